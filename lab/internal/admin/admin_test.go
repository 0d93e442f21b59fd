package admin_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/internal/admin"
)

// lbAdmin serves a real fakecdn's admin API, whose members are never checked.
func lbAdmin(t *testing.T) string {
	t.Helper()
	lb, err := fakecdn.New(fakecdn.Config{Role: "edge", Name: "edge", Seed: 1, Members: []fakecdn.MemberConfig{
		{Name: "dc-east", URL: "http://127.0.0.1:1"}, {Name: "dc-west", URL: "http://127.0.0.1:2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(lb.Admin())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestStateAndPatchesRoundTripAgainstFakecdn(t *testing.T) {
	base := lbAdmin(t)
	ctx := t.Context()
	st, err := admin.GetState(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "edge" || st.Role != "edge" || len(st.Members) != 2 || st.Config.Persistence != policy.PersistNone {
		t.Fatalf("state: %+v", st)
	}
	if m, ok := st.Member("dc-west"); !ok || !m.Healthy || m.State != "up" || m.Delay != 0 {
		t.Fatalf("dc-west: %+v", m)
	}
	st, err = admin.PatchConfig(ctx, base, policy.Patch{Persistence: policy.Ptr(policy.PersistCookie)})
	if err != nil || st.Config.Persistence != policy.PersistCookie {
		t.Fatalf("patch config: %v, %v", st.Config, err)
	}
	st, err = admin.PatchMember(ctx, base, "dc-east", policy.MemberPatch{Delay: policy.Ptr(policy.Duration(150 * time.Millisecond))})
	if m, _ := st.Member("dc-east"); err != nil || m.Delay.Std() != 150*time.Millisecond {
		t.Fatalf("patch member: %+v, %v", m, err)
	}
	if _, err := admin.RotateKey(ctx, base); err != nil {
		t.Fatal(err)
	}
	if err := admin.Healthz(ctx, base); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsCarryTheServersTextFieldAndStatus(t *testing.T) {
	base := lbAdmin(t)
	_, err := admin.PatchConfig(t.Context(), base, policy.Patch{Persistence: policy.Ptr[policy.Persistence]("sticky")})
	var ae *admin.Error
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Field != "persistence" {
		t.Fatalf("want a 400 on persistence, got %#v", err)
	}
	for _, want := range []string{"PATCH " + base + "/config", `"sticky"`, "status 400"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	_, err = admin.PatchMember(t.Context(), base, "dc-north", policy.MemberPatch{State: policy.Ptr(policy.StateDown)})
	if !errors.As(err, &ae) || ae.Status != 404 || !strings.Contains(err.Error(), "dc-north") {
		t.Fatalf("want a 404 naming dc-north, got %v", err)
	}
}

func TestSessionsOfAFakeapp(t *testing.T) {
	app, err := fakeapp.New(fakeapp.Config{Datacenter: "dc-east"})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.FlushSessions(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Admin())
	t.Cleanup(srv.Close)
	if n, err := admin.SessionCount(t.Context(), srv.URL); n != 0 || err != nil {
		t.Fatalf("count: %d, %v", n, err)
	}
	if _, err := admin.FlushSessions(t.Context(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.GetState(t.Context(), srv.URL); err == nil {
		t.Fatal("an app has no /state: want an error")
	}
}

func TestANodeThatDoesNotAnswerIsAnError(t *testing.T) {
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	if err := admin.Healthz(t.Context(), url); err == nil || !strings.Contains(err.Error(), url) {
		t.Fatalf("want an error naming %s, got %v", url, err)
	}
}
