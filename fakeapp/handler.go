package fakeapp

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
)

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login", http.StatusFound)
	})
	mux.HandleFunc("GET /login", a.getLogin)
	mux.HandleFunc("POST /login", a.postLogin)
	mux.HandleFunc("GET /account", a.getAccount)
	mux.HandleFunc("GET /account/password", a.getPassword)
	mux.HandleFunc("POST /account/password", a.postPassword)
	mux.HandleFunc("POST /logout", a.postLogout)
	return mux
}

func (a *App) getLogin(w http.ResponseWriter, r *http.Request) {
	ct := a.cookieToken(w, r)
	// ASP.NET hands out a session id before login; it is not stored until
	// the session holds something, and login replaces it anyway.
	if cookieValue(r, sessionCookie) == "" {
		a.setCookie(w, r, sessionCookie, newSessionID())
	}
	// Noise the real portal set, kept so recorded flows look like the incident's.
	if cookieValue(r, paymentCookie) == "" {
		a.setCookie(w, r, paymentCookie, "0")
	}
	if cookieValue(r, languageCookie) == "" {
		a.setCookie(w, r, languageCookie, "en-US")
	}
	a.render(w, http.StatusOK, "login", pageData{Title: "Log in", Token: a.keys.codec().seal(ct.formFor(""))})
}

func (a *App) postLogin(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	if f := a.af.validate(r, ""); f != nil {
		a.fail(w, f)
		return
	}
	user, password := r.PostForm.Get("UserName"), r.PostForm.Get("Password")
	if !a.users.check(user, password) {
		w.Header().Set(HeaderFailure, FailureBadCredentials)
		ct, _ := a.af.issue(r) // the cookie just validated, so it is kept
		a.render(w, http.StatusOK, "login", pageData{
			Title: "Log in", User: user, Token: a.keys.codec().seal(ct.formFor("")),
			Error: "The user name or password provided is incorrect.",
		})
		return
	}
	// A new id at login, as ASP.NET apps do against session fixation: the
	// session exists only in this instance's store.
	if old := cookieValue(r, sessionCookie); old != "" {
		if err := a.store.Delete(r.Context(), old); err != nil {
			a.fail(w, storeUnavailable(err))
			return
		}
	}
	s := Session{ID: newSessionID(), User: user, AuthenKey: newUUID()}
	if err := a.store.Put(r.Context(), s); err != nil {
		a.fail(w, storeUnavailable(err))
		return
	}
	a.setCookie(w, r, sessionCookie, s.ID)
	a.setCookie(w, r, authenCookie, s.AuthenKey)
	http.Redirect(w, r, "/account", http.StatusFound)
}

func (a *App) getAccount(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	a.render(w, http.StatusOK, "account", pageData{Title: "Your account", User: s.User})
}

func (a *App) getPassword(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	ct := a.cookieToken(w, r)
	a.render(w, http.StatusOK, "password", pageData{Title: "Change password", Token: a.keys.codec().seal(ct.formFor(s.User))})
}

func (a *App) postPassword(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok || !parseForm(w, r) {
		return
	}
	if f := a.af.validate(r, s.User); f != nil {
		a.fail(w, f)
		return
	}
	old, nw, confirm := r.PostForm.Get("OldPassword"), r.PostForm.Get("NewPassword"), r.PostForm.Get("ConfirmPassword")
	var msg string
	switch {
	case old == "":
		msg = "The Current password field is required."
	case nw == "":
		msg = "The New password field is required."
	case nw != confirm:
		msg = "The new password and confirmation password do not match."
	case !a.users.change(s.User, old, nw):
		// The user table is per instance: a password changed here is
		// unknown to every other instance.
		w.Header().Set(HeaderFailure, FailureBadCredentials)
		msg = "Incorrect password."
	default:
		a.render(w, http.StatusOK, "password", pageData{Title: "Change password", Done: true})
		return
	}
	ct, _ := a.af.issue(r)
	a.render(w, http.StatusOK, "password", pageData{Title: "Change password", Error: msg, Token: a.keys.codec().seal(ct.formFor(s.User))})
}

func (a *App) postLogout(w http.ResponseWriter, r *http.Request) {
	if id := cookieValue(r, sessionCookie); id != "" {
		if err := a.store.Delete(r.Context(), id); err != nil {
			a.fail(w, storeUnavailable(err))
			return
		}
	}
	a.clearCookie(w, r, sessionCookie)
	a.clearCookie(w, r, authenCookie)
	http.Redirect(w, r, "/login", http.StatusFound)
}

// cookieToken returns the cookie token for a new form, setting the cookie
// only when it had to be (re)issued.
func (a *App) cookieToken(w http.ResponseWriter, r *http.Request) token {
	ct, fresh := a.af.issue(r)
	if fresh {
		a.setCookie(w, r, a.cfg.AntiForgeryCookie, a.keys.codec().seal(ct))
	}
	return ct
}

// session returns the request's live session. Without one — unknown id,
// expired, or an authenKey this store did not issue — it answers the
// redirect to the login page and reports false. A store that cannot be
// asked is a server error, never a silent new session.
func (a *App) session(w http.ResponseWriter, r *http.Request) (Session, bool) {
	if id := cookieValue(r, sessionCookie); id != "" {
		s, ok, err := a.store.Get(r.Context(), id)
		if err != nil {
			a.fail(w, storeUnavailable(err))
			return Session{}, false
		}
		key := cookieValue(r, authenCookie)
		if ok && key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.AuthenKey)) == 1 {
			return s, true
		}
	}
	w.Header().Set(HeaderFailure, FailureSessionMissing)
	http.Redirect(w, r, "/login?ReturnUrl="+url.QueryEscape(r.URL.Path), http.StatusFound)
	return Session{}, false
}

// parseForm parses the body or answers 413/400 and reports false.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "request body larger than 64 KiB", http.StatusRequestEntityTooLarge)
	} else {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
	}
	return false
}
