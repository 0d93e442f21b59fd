package replaytest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/replay"
)

// AntiForgeryCookie is the incident's anti-forgery cookie name, as fakeapp sets it.
const AntiForgeryCookie = fakeapp.DefaultAntiForgeryCookie

// Hop builds a recorded hop answered by servedBy ("dc/instance"), with the
// response headers the contract puts there. Extra response headers come in
// pairs: Hop(..., "Set-Cookie", "lbs=!x", "X-Stickylab-Edge", "dc=..; reason=..").
func Hop(step, method, path string, status int, servedBy string, header ...string) replay.Hop {
	h := http.Header{}
	if servedBy != "" {
		h.Set(replay.HeaderServedBy, servedBy)
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return replay.ParseHop(step, method, "https://127.0.0.1:8443"+path, status, http.Header{"User-Agent": {"stickylab-replay/1"}}, h)
}

// Run builds a run from hops and derives its facts. failure "" means OK.
func Run(index int, failure, failedStep string, hops ...replay.Hop) replay.Run {
	run := replay.Run{Index: index, OK: failure == "", Failure: failure, FailedStep: failedStep, Hops: hops}
	if failure != "" {
		run.Err = "step " + failedStep + ": " + failure
	}
	run.Start = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC).Add(time.Duration(index) * 10 * time.Millisecond)
	for i := range run.Hops {
		run.Hops[i].Start = run.Start.Add(time.Duration(i) * time.Millisecond)
		run.Hops[i].Wait, run.Hops[i].Duration = 700*time.Microsecond, time.Millisecond
	}
	run.Duration = time.Duration(len(hops)) * time.Millisecond
	run.Derive()
	return run
}

// Incident simulates n login runs through two equal datacenters behind a
// random edge with per-datacenter keys, without any network: each request
// picks a datacenter at random, as the model assumes. decisionHeaders adds
// X-Stickylab-Edge and X-Stickylab-LB. About 75 % fail.
func Incident(n int, seed uint64, decisionHeaders bool) *replay.Result {
	rng := rand.New(rand.NewPCG(seed, 1))
	res := &replay.Result{Flow: "login", Requests: 3, BaseURL: "https://127.0.0.1:8443", Concurrency: 1,
		Started: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), Elapsed: time.Duration(n) * 10 * time.Millisecond}
	dcs := []string{"dc-east", "dc-west"}
	res.Runs = make([]replay.Run, 0, n)
	for i := range n {
		var hops []replay.Hop
		var inst [2]string
		held := ""
		jar := map[string]string{}
		step := func(name, method, path string, status int, extra ...string) {
			d := rng.IntN(2)
			dc := dcs[d]
			reason := policy.ReasonPersisted
			var hdr []string
			if inst[d] == "" {
				inst[d] = fmt.Sprintf("%s-%d", dc, 1+rng.IntN(2))
			}
			if held != dc {
				reason = policy.ReasonNew
				if held != "" {
					reason = policy.ReasonUndecodable
				}
				hdr = append(hdr, "Set-Cookie", "lbs=!"+dc+inst[d]+"; Path=/; Secure; HttpOnly")
				held = dc
			}
			if decisionHeaders {
				hdr = append(hdr, replay.HeaderEdge, "dc="+dc+"; reason=new", replay.HeaderLB, "lb="+dc+"; member="+inst[d]+"; reason="+reason)
			}
			h := Hop(name, method, path, status, dc+"/"+inst[d], append(hdr, extra...)...)
			var sent []string
			for _, k := range []string{"lbs", AntiForgeryCookie} {
				if v, ok := jar[k]; ok {
					sent = append(sent, k+"="+v)
				}
			}
			if len(sent) > 0 {
				h.RequestHeader.Set("Cookie", strings.Join(sent, "; "))
			}
			for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
				jar[c.Name] = c.Value
			}
			hops = append(hops, h)
		}
		step("login-page", "GET", "/login", 200, "Set-Cookie", AntiForgeryCookie+"=t; Path=/; Secure; HttpOnly")
		first := hops[0].Datacenter
		step("sign-in", "POST", "/login", 302)
		if hops[1].Datacenter != first {
			hops[1] = fail(hops[1], 500, replay.AntiforgeryUndecryptable)
			res.Runs = append(res.Runs, withReissue(Run(i, replay.AntiforgeryUndecryptable, "sign-in", hops...)))
			continue
		}
		hops[1].ResponseHeader.Set("Location", "/account")
		hops[1].Location = "/account"
		step("account", "GET", "/account", 200)
		if hops[2].Datacenter != first {
			hops[2] = fail(hops[2], 302, replay.SessionMissing)
			hops[2].Location = "/login?ReturnUrl=%2Faccount"
			res.Runs = append(res.Runs, withReissue(Run(i, replay.SessionMissing, "account", hops...)))
			continue
		}
		res.Runs = append(res.Runs, Run(i, "", "", hops...))
	}
	return res
}

func fail(h replay.Hop, status int, class string) replay.Hop {
	h.Status, h.Failure = status, class
	h.ResponseHeader.Set(replay.HeaderFailure, class)
	return h
}

// withReissue marks the lbs cookie set at a crossing as re-issued, as the
// client does when it already held another value.
func withReissue(run replay.Run) replay.Run {
	for j := 1; j < len(run.Hops); j++ {
		if run.Hops[j].Datacenter != run.Hops[j-1].Datacenter {
			run.Hops[j].Reissued = append(run.Hops[j].Reissued, "lbs")
		}
	}
	run.Derive()
	return run
}
