package dockerrt

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

func TestALiveOwnerIsNotSwept(t *testing.T) {
	if ownerDead(runLabels("r1")) {
		t.Fatal("this process is alive; its runs must not be swept")
	}
}

func TestADeadOwnerIsSwept(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	labels := runLabels("r1")
	labels[LabelPID] = strconv.Itoa(cmd.Process.Pid)
	labels[LabelStart] = ""
	if !ownerDead(labels) {
		t.Fatalf("pid %d has exited; its runs must be swept", cmd.Process.Pid)
	}
}

func TestAReusedPidIsSwept(t *testing.T) {
	labels := runLabels("r1")
	labels[LabelStart] = "1" // this pid belonged to a process started at boot
	if self.start != "" && !ownerDead(labels) {
		t.Fatal("a pid now held by a younger process means the owner died")
	}
}

func TestOwnersElsewhereAreNeverSwept(t *testing.T) {
	for name, labels := range map[string]map[string]string{
		"other namespace": {LabelRun: "r1", LabelPID: "999999999", LabelOwner: "other-host/4026531836"},
		"no owner label":  {LabelRun: "r1", LabelPID: "999999999"},
		"bad pid":         {LabelRun: "r1", LabelPID: "x", LabelOwner: self.owner},
	} {
		if ownerDead(labels) {
			t.Errorf("%s: a run whose owner cannot be judged must be left to Clean", name)
		}
	}
}

func TestNamesCarryTheRunID(t *testing.T) {
	if got := containerName("1a2b3c4d", "dc-east-1"); got != "sl-1a2b3c4d-dc-east-1" {
		t.Errorf("container name %s", got)
	}
	if got := networkName("1a2b3c4d", "wan"); got != "sl-1a2b3c4d-wan" {
		t.Errorf("network name %s", got)
	}
	f := labelFilter(LabelRun, "1a2b3c4d")
	if !f["label"]["stickylab.run=1a2b3c4d"] || len(f["label"]) != 1 {
		t.Errorf("filter %v", f)
	}
}

func TestOnlyLocalEnginesAreUsed(t *testing.T) {
	for _, host := range []string{"", "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375", "tcp://localhost:2375", "tcp://[::1]:2375", "npipe:////./pipe/docker_engine"} {
		if err := localEngine(host); err != nil {
			t.Errorf("%q is local: %v", host, err)
		}
	}
	for _, host := range []string{"tcp://10.0.0.1:2375", "tcp://docker.example:2376", "ssh://user@host"} {
		if err := localEngine(host); err == nil {
			t.Errorf("%q is not local", host)
		}
	}
}
