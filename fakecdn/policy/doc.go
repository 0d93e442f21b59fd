// Package policy is the one source of truth for a load balancer's policy,
// with the standard library only: the configuration type fakecdn runs
// (Config) and its policy part the topology file writes (Tier), their typed
// enumerations, defaults, validation and patches (PATCH /config), the wire
// types of the admin API (GET /state), the header names and failure classes
// every analysis reads, and the registries of selection policies and
// persistence codecs that validation reads.
//
// fakecdn registers each selection policy and codec it implements (one file
// each, from init); the lab links fakecdn, so a topology file may name
// anything fakecdn registered.
package policy
