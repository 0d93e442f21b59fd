package replay

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Flow is a user journey as data: an ordered list of steps. Define a new one
// by writing a Flow value; the client needs no change.
type Flow struct {
	Name  string
	Steps []Step
}

// Step is one request of a flow and what counts as its success.
type Step struct {
	Name   string // shown in reports and as Run.FailedStep
	Method string // GET when empty
	Path   string // relative to the base URL, e.g. /login
	// Form is posted as application/x-www-form-urlencoded, in order.
	Form []Field
	// Follow makes the client follow redirects hop by hop (at most 10),
	// recording each hop; Expect then applies to the last response and
	// Expect.Location to the first redirect.
	Follow bool
	// Renews names cookies this step is expected to set anew even when the
	// client holds them (ASP.NET_SessionId and authenKey at the login POST):
	// they are not reported as re-issued.
	Renews []string
	Expect Expect
}

// Field is one form field: a literal Value, or the value of the input named
// From in the previous response's HTML (the hidden anti-forgery token).
// Values may use ${user} and ${password}, replaced from WithUser.
type Field struct {
	Name  string
	Value string
	From  string
}

// Expect is what a step's response must look like; zero fields are not checked.
type Expect struct {
	Status       int    // e.g. 200 or 302
	Location     string // the redirect's path, e.g. /account (query ignored)
	BodyContains string
}

// AntiForgeryField is the hidden form field ASP.NET pairs with its cookie.
const AntiForgeryField = "__RequestVerificationToken"

var token = Field{Name: AntiForgeryField, From: AntiForgeryField}

// Login is GET /login, POST /login (UserName, Password, token) → 302 /account,
// GET /account → 200 "Welcome": 3 requests.
var Login = Flow{Name: "login", Steps: loginSteps()}

// ChangePassword logs in, then GET /account/password and POST
// /account/password with the same old and new password (so that repeated
// runs keep working) → 200 "Your password has been changed": 5 requests.
var ChangePassword = Flow{Name: "change-password", Steps: append(loginSteps(),
	Step{Name: "password-form", Method: http.MethodGet, Path: "/account/password", Expect: Expect{Status: http.StatusOK}},
	Step{Name: "change-password", Method: http.MethodPost, Path: "/account/password",
		Form: []Field{
			{Name: "OldPassword", Value: "${password}"},
			{Name: "NewPassword", Value: "${password}"},
			{Name: "ConfirmPassword", Value: "${password}"},
			token,
		},
		Expect: Expect{Status: http.StatusOK, BodyContains: "Your password has been changed"}},
)}

func loginSteps() []Step {
	return []Step{
		{Name: "login-page", Method: http.MethodGet, Path: "/login", Expect: Expect{Status: http.StatusOK}},
		{Name: "sign-in", Method: http.MethodPost, Path: "/login",
			Form:   []Field{{Name: "UserName", Value: "${user}"}, {Name: "Password", Value: "${password}"}, token},
			Renews: []string{"ASP.NET_SessionId", "authenKey"},
			Expect: Expect{Status: http.StatusFound, Location: "/account"}},
		{Name: "account", Method: http.MethodGet, Path: "/account", Expect: Expect{Status: http.StatusOK, BodyContains: "Welcome"}},
	}
}

// Flows lists the shipped flows by name.
func Flows() []Flow { return []Flow{Login, ChangePassword} }

// FlowByName returns a shipped flow, or an error listing the known names.
func FlowByName(name string) (Flow, error) {
	var names []string
	for _, f := range Flows() {
		if f.Name == name {
			return f, nil
		}
		names = append(names, f.Name)
	}
	return Flow{}, fmt.Errorf("unknown flow %q; known flows: %s", name, strings.Join(names, ", "))
}

// Requests is the number of requests a successful run makes: one per step,
// plus one per expected redirect that the step follows. The model uses it
// (login 3, change-password 5).
func (f Flow) Requests() int {
	n := 0
	for _, s := range f.Steps {
		n++
		if s.Follow && s.Expect.Location != "" {
			n++
		}
	}
	return n
}

// Validate reports a flow the client cannot run.
func (f Flow) Validate() error {
	if len(f.Steps) == 0 {
		return fmt.Errorf("flow %q has no steps", f.Name)
	}
	for i, s := range f.Steps {
		if !strings.HasPrefix(s.Path, "/") {
			return fmt.Errorf("flow %q step %d (%s): path %q must start with /", f.Name, i, s.Name, s.Path)
		}
		if s.Method != "" && !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}, s.Method) {
			return fmt.Errorf("flow %q step %d (%s): unsupported method %q", f.Name, i, s.Name, s.Method)
		}
	}
	return nil
}

func (s Step) method() string {
	if s.Method == "" {
		return http.MethodGet
	}
	return s.Method
}

func (s Step) renews(name string) bool { return slices.Contains(s.Renews, name) }
