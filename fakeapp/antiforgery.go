package fakeapp

import (
	"fmt"
	"net/http"
)

// formTokenField is the hidden form field that carries the form token.
const formTokenField = "__RequestVerificationToken"

// antiforgery issues and validates token pairs the way ASP.NET MVC 5's
// AntiForgery class does.
type antiforgery struct {
	codec      func() *tokenCodec // the machine key in use
	cookieName string
}

// issue returns the cookie token to use for a form and whether it is new.
// A cookie this server cannot decrypt is silently replaced, as ASP.NET's
// GetHtml does: the GET succeeds, and the failure only shows at the POST if
// the next request lands on a server with another key.
func (af *antiforgery) issue(r *http.Request) (tok token, fresh bool) {
	if c, err := r.Cookie(af.cookieName); err == nil {
		if t, err := af.codec().open(c.Value); err == nil && t.kind == cookieToken {
			return t, false
		}
	}
	return newSecurityToken(), true
}

// validate checks the request's token pair in ASP.NET's order and returns
// the first failure, or nil. user is the current user ("" for anonymous).
// The form must already be parsed.
//
// MVC 5's AntiForgeryWorker.Validate first reads both tokens — the token
// store deserialises the cookie if there is one, then the form field if
// there is one, and deserialising throws "could not be decrypted" — and
// only then does the validator look for a missing one. So a foreign token
// fails as undecryptable even when its partner is missing.
func (af *antiforgery) validate(r *http.Request, user string) *failure {
	cookie := ""
	if c, err := r.Cookie(af.cookieName); err == nil {
		cookie = c.Value
	}
	field := r.PostForm.Get(formTokenField)
	ct, cerr := af.openIfPresent(cookie)
	ft, ferr := af.openIfPresent(field)
	switch {
	case cerr != nil || ferr != nil:
		return serverError(FailureUndecryptable, "The anti-forgery token could not be decrypted. "+
			"If this application is hosted by a Web Farm or cluster, ensure that all machines are running "+
			"the same version of ASP.NET Web Pages and that the <machineKey> configuration specifies explicit "+
			"encryption and validation keys. AutoGenerate cannot be used in a cluster.")
	case cookie == "":
		return serverError(FailureMissingCookie,
			fmt.Sprintf("The required anti-forgery cookie %q is not present.", af.cookieName))
	case field == "":
		return serverError(FailureMissingField,
			fmt.Sprintf("The required anti-forgery form field %q is not present.", formTokenField))
	}
	if ct.kind != cookieToken || ft.kind != formToken {
		return serverError(FailureMismatch, fmt.Sprintf(
			"Validation of the provided anti-forgery token failed. The cookie %q and the form field %q were swapped.",
			af.cookieName, formTokenField))
	}
	if ct.security != ft.security {
		return serverError(FailureMismatch, "The anti-forgery cookie token and form field token do not match.")
	}
	if ft.user != user {
		return serverError(FailureMismatch, fmt.Sprintf(
			"The provided anti-forgery token was meant for user %q, but the current user is %q.", ft.user, user))
	}
	return nil
}

// openIfPresent deserialises a token, treating "" as absent (no error), as
// ASP.NET's token store does.
func (af *antiforgery) openIfPresent(s string) (token, error) {
	if s == "" {
		return token{}, nil
	}
	return af.codec().open(s)
}
