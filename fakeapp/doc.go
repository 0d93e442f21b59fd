// Package fakeapp is a login web app that fails the way the incident's
// ASP.NET MVC 5 portal failed: anti-forgery tokens encrypted with a machine
// key that may differ between servers, and sessions held in the memory of
// the one server that created them.
//
// An App is an http.Handler. Every response names the server in
// X-Served-By and, when a step fails, the failure class in
// X-Stickylab-Failure, so that a client behind load balancers can tell
// where each request landed and why it failed.
package fakeapp
