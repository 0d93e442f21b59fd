package policy_test

import (
	"net/http"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// ValidCookieName agrees with net/http, which the policy package does not
// import (it stays light for whoever renders configurations).
func TestValidCookieNameAgreesWithNetHTTP(t *testing.T) {
	for _, n := range []string{"lbs", "AWSALBAPP-0", "__cflb", "ASP.NET_SessionId", "a!#$%&'*+-.^_`|~z", "",
		"has space", "semi;colon", "eq=ual", "quo\"te", "comma,", "tab\t", "ü", "a/b", "(x)", "@"} {
		want := n != "" && (&http.Cookie{Name: n, Value: "x"}).Valid() == nil
		if got := policy.ValidCookieName(n); got != want {
			t.Errorf("ValidCookieName(%q) = %v, net/http says %v", n, got, want)
		}
	}
}
