package dockerrt

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// Labels on every container and network the runtime creates; images carry
// LabelImage only (they are a cache, Clean keeps them).
const (
	LabelRun   = "stickylab.run"   // the run id
	LabelPID   = "stickylab.pid"   // the owning process
	LabelNode  = "stickylab.node"  // containers: the plan node
	LabelOwner = "stickylab.owner" // where LabelPID means something: hostname and pid namespace
	LabelStart = "stickylab.start" // the owner's start time (clock ticks after boot), against pid reuse
	LabelImage = "stickylab.image"
)

// self is this process as the labels describe it.
var self = struct{ pid, owner, start string }{
	pid:   strconv.Itoa(os.Getpid()),
	owner: ownerID(),
	start: procStart(os.Getpid()),
}

// ownerID names the pid namespace the owner pid lives in: a pid read from a
// label means nothing to a process in another container sharing the engine,
// and Sweep must never remove a lab it cannot judge.
func ownerID() string {
	host, _ := os.Hostname()
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		ns = "pid:?"
	}
	return host + "/" + strings.Trim(strings.TrimPrefix(ns, "pid:"), "[]")
}

// procStart returns a process's start time from /proc, or "" when unknown.
func procStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) may hold spaces; count from its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	const startField = 22 - 3 // fields after ')' start at field 3 (state)
	if len(f) <= startField {
		return ""
	}
	return f[startField]
}

// runLabels are the labels of every resource of one run.
func runLabels(runID string) map[string]string {
	return map[string]string{
		LabelRun:   runID,
		LabelPID:   self.pid,
		LabelOwner: self.owner,
		LabelStart: self.start,
	}
}

// ownerDead reports whether the labels name an owner that is certainly gone.
// Labs of another host or pid namespace, or without owner labels, are judged
// alive: Clean removes those.
func ownerDead(labels map[string]string) bool {
	if labels[LabelOwner] != self.owner {
		return false
	}
	pid, err := strconv.Atoi(labels[LabelPID])
	if err != nil || pid <= 0 {
		return false
	}
	if processGone(pid) {
		return true
	}
	// Alive, unless the pid now belongs to a younger process.
	want := labels[LabelStart]
	got := procStart(pid)
	return want != "" && got != "" && want != got
}

// labelFilter selects resources carrying key, or key=value.
func labelFilter(key, value string) client.Filters {
	if value == "" {
		return make(client.Filters).Add("label", key)
	}
	return make(client.Filters).Add("label", key+"="+value)
}

// Names: containers sl-<run>-<node>, networks sl-<run>-<logical network>.
func containerName(runID, node string) string  { return "sl-" + runID + "-" + node }
func networkName(runID, logical string) string { return "sl-" + runID + "-" + logical }
