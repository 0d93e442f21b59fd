package fakeapp

import "net/http"

// Header names of the wire contract (docs/ARCHITECTURE.md).
const (
	HeaderServedBy = "X-Served-By"
	HeaderFailure  = "X-Stickylab-Failure"
	HeaderTiming   = "Server-Timing"
)

// Failure classes sent in X-Stickylab-Failure.
const (
	FailureMissingCookie  = "antiforgery-missing-cookie"
	FailureMissingField   = "antiforgery-missing-field"
	FailureUndecryptable  = "antiforgery-undecryptable"
	FailureMismatch       = "antiforgery-mismatch"
	FailureSessionMissing = "session-missing"
	FailureBadCredentials = "bad-credentials"
)

// failure is a failed step: its class for machines, its message for people
// (ASP.NET's wording where ASP.NET has one), and the status ASP.NET answers.
type failure struct {
	class   string
	message string
	status  int
}

func serverError(class, message string) *failure {
	return &failure{class: class, message: message, status: http.StatusInternalServerError}
}
