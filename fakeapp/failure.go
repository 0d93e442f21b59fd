package fakeapp

import "net/http"

// Header names of the wire contract (docs/ARCHITECTURE.md).
const (
	HeaderServedBy = "X-Served-By"
	HeaderFailure  = "X-Stickylab-Failure"
	HeaderTiming   = "Server-Timing"
	// HeaderStore says where the app read its sessions from when that is
	// not where it writes them: "replica" (redis.layout replicated, outside
	// the primary's datacenter). Absent otherwise.
	HeaderStore = "X-Stickylab-Store"
)

// Failure classes sent in X-Stickylab-Failure.
const (
	FailureMissingCookie  = "antiforgery-missing-cookie"
	FailureMissingField   = "antiforgery-missing-field"
	FailureUndecryptable  = "antiforgery-undecryptable"
	FailureMismatch       = "antiforgery-mismatch"
	FailureSessionMissing = "session-missing"
	FailureBadCredentials = "bad-credentials"
	// FailureStoreUnavailable: the session store could not be asked (ASP.NET's
	// Redis provider throws; the request ends on the error page).
	FailureStoreUnavailable = "session-store-unavailable"
)

// failure is a failed step: its class for machines, its message for people
// (ASP.NET's wording where ASP.NET has one), and the status ASP.NET answers.
type failure struct {
	class     string
	message   string
	status    int
	exception string // the .NET exception type the error page names
}

func serverError(class, message string) *failure {
	return &failure{class: class, message: message, status: http.StatusInternalServerError, exception: "System.Web.Mvc.HttpAntiForgeryException"}
}

// storeUnavailable is the failure of a session store that could not be
// asked, worded as StackExchange.Redis words it under ASP.NET's provider.
func storeUnavailable(err error) *failure {
	return &failure{
		class:     FailureStoreUnavailable,
		message:   "No connection is available to service this operation: " + err.Error(),
		status:    http.StatusInternalServerError,
		exception: "StackExchange.Redis.RedisConnectionException",
	}
}
