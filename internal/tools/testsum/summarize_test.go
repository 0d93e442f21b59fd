package main

import (
	"strings"
	"testing"
)

// events is what `go test -json` printed for a package with a passing,
// a skipped, a skipped subtest and a failing test, and one that did not build.
const events = `{"ImportPath":"probe/b [probe/b.test]","Action":"build-output","Output":"# probe/b [probe/b.test]\n"}
{"ImportPath":"probe/b [probe/b.test]","Action":"build-output","Output":"b/b.go:2:23: cannot use \"x\" as int value\n"}
{"ImportPath":"probe/b [probe/b.test]","Action":"build-fail"}
{"Action":"start","Package":"probe/a"}
{"Action":"output","Package":"probe/b","Output":"FAIL\tprobe/b [build failed]\n"}
{"Action":"fail","Package":"probe/b","FailedBuild":"probe/b [probe/b.test]"}
{"Action":"run","Package":"probe/a","Test":"TestOK"}
{"Action":"output","Package":"probe/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"probe/a","Test":"TestOK","Output":"    a_test.go:3: noise\n"}
{"Action":"output","Package":"probe/a","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"probe/a","Test":"TestOK"}
{"Action":"output","Package":"probe/a","Test":"TestSkip","Output":"=== RUN   TestSkip\n"}
{"Action":"output","Package":"probe/a","Test":"TestSkip","Output":"    a_test.go:4: no Docker engine: refused\n"}
{"Action":"output","Package":"probe/a","Test":"TestSkip","Output":"--- SKIP: TestSkip (0.00s)\n"}
{"Action":"skip","Package":"probe/a","Test":"TestSkip"}
{"Action":"output","Package":"probe/a","Test":"TestSub/x","Output":"=== RUN   TestSub/x\n"}
{"Action":"output","Package":"probe/a","Test":"TestSub/x","Output":"    a_test.go:5: sub reason\n"}
{"Action":"output","Package":"probe/a","Test":"TestSub/x","Output":"--- SKIP: TestSub/x (0.00s)\n"}
{"Action":"skip","Package":"probe/a","Test":"TestSub/x"}
{"Action":"output","Package":"probe/a","Test":"TestFail","Output":"=== RUN   TestFail\n"}
{"Action":"output","Package":"probe/a","Test":"TestFail","Output":"    a_test.go:6: boom\n"}
{"Action":"output","Package":"probe/a","Test":"TestFail","Output":"--- FAIL: TestFail (0.00s)\n"}
{"Action":"fail","Package":"probe/a","Test":"TestFail"}
{"Action":"output","Package":"probe/a","Output":"FAIL\n"}
{"Action":"output","Package":"probe/a","Output":"FAIL\tprobe/a\t0.178s\n"}
{"Action":"fail","Package":"probe/a"}
{"Action":"output","Package":"probe/c","Output":"PASS\n"}
{"Action":"output","Package":"probe/c","Output":"ok  \tprobe/c\t0.1s\n"}
{"Action":"pass","Package":"probe/c"}
`

func TestSummarizePrintsGoTestsLinesAndOneLinePerSkip(t *testing.T) {
	var out, errs strings.Builder
	failed, err := summarize(strings.NewReader(events), &out, &errs)
	if err != nil || !failed {
		t.Fatalf("failed=%v err=%v; want a failure reported", failed, err)
	}
	want := "FAIL\tprobe/b [build failed]\n" +
		"SKIP probe/a TestSkip: no Docker engine: refused\n" +
		"SKIP probe/a TestSub/x: sub reason\n" +
		"    a_test.go:6: boom\n--- FAIL: TestFail (0.00s)\n" +
		"FAIL\nFAIL\tprobe/a\t0.178s\n" +
		"ok  \tprobe/c\t0.1s\n" +
		"FAIL\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if !strings.Contains(errs.String(), "b/b.go:2:23") {
		t.Errorf("build errors go to stderr: %q", errs.String())
	}
}

func TestSummarizeOfAPassingRunReportsNoFailure(t *testing.T) {
	var out, errs strings.Builder
	in := `{"Action":"output","Package":"p","Test":"TestA","Output":"    x_test.go:1: log\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}
{"Action":"pass","Package":"p"}
`
	failed, err := summarize(strings.NewReader(in), &out, &errs)
	if err != nil || failed || out.String() != "ok  \tp\t0.1s\n" {
		t.Fatalf("failed=%v err=%v output %q; want only the ok line", failed, err, out.String())
	}
}

func TestASkipWithoutAReasonSaysSo(t *testing.T) {
	var out, errs strings.Builder
	in := `{"Action":"skip","Package":"p","Test":"TestA"}` + "\n"
	if _, err := summarize(strings.NewReader(in), &out, &errs); err != nil || out.String() != "SKIP p TestA (no reason given)\n" {
		t.Fatalf("err=%v output %q", err, out.String())
	}
}
