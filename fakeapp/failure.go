package fakeapp

import (
	"net/http"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Header names and failure classes of the wire contract, defined once in
// package policy (docs/ARCHITECTURE.md).
const (
	HeaderServedBy = policy.HeaderServedBy
	HeaderFailure  = policy.HeaderFailure
	HeaderTiming   = policy.HeaderServerTiming
	HeaderStore    = policy.HeaderStore

	FailureMissingCookie    = policy.FailureMissingCookie
	FailureMissingField     = policy.FailureMissingField
	FailureUndecryptable    = policy.FailureUndecryptable
	FailureMismatch         = policy.FailureMismatch
	FailureSessionMissing   = policy.FailureSessionMissing
	FailureBadCredentials   = policy.FailureBadCredentials
	FailureStoreUnavailable = policy.FailureStoreUnavailable
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
