package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/report"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// schema is the subset of JSON Schema the HAR 1.2 check needs: type,
// required, properties, items and a date-time format.
type schema struct {
	Type       string
	Required   []string
	Properties map[string]*schema
	Items      *schema
	DateTime   bool
}

func obj(required []string, props map[string]*schema) *schema {
	return &schema{Type: "object", Required: required, Properties: props}
}
func arr(items *schema) *schema { return &schema{Type: "array", Items: items} }

var (
	str     = &schema{Type: "string"}
	num     = &schema{Type: "number"}
	boolean = &schema{Type: "boolean"}
	date    = &schema{Type: "string", DateTime: true}
	nv      = obj([]string{"name", "value"}, map[string]*schema{"name": str, "value": str})
	cookie  = obj([]string{"name", "value"}, map[string]*schema{"name": str, "value": str, "path": str, "domain": str,
		"expires": date, "httpOnly": boolean, "secure": boolean})
	// harSchema follows http://www.softwareishard.com/blog/har-12-spec/ for
	// the required fields of every object the replay writes.
	harSchema = obj([]string{"log"}, map[string]*schema{"log": obj([]string{"version", "creator", "entries"}, map[string]*schema{
		"version": str,
		"creator": obj([]string{"name", "version"}, map[string]*schema{"name": str, "version": str}),
		"pages": arr(obj([]string{"startedDateTime", "id", "title", "pageTimings"}, map[string]*schema{
			"startedDateTime": date, "id": str, "title": str,
			"pageTimings": obj(nil, map[string]*schema{"onContentLoad": num, "onLoad": num}),
		})),
		"entries": arr(obj([]string{"startedDateTime", "time", "request", "response", "cache", "timings"}, map[string]*schema{
			"pageref": str, "startedDateTime": date, "time": num,
			"request": obj([]string{"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"}, map[string]*schema{
				"method": str, "url": str, "httpVersion": str, "cookies": arr(cookie), "headers": arr(nv), "queryString": arr(nv),
				"postData":    obj([]string{"mimeType"}, map[string]*schema{"mimeType": str, "params": arr(nv), "text": str}),
				"headersSize": num, "bodySize": num,
			}),
			"response": obj([]string{"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"}, map[string]*schema{
				"status": num, "statusText": str, "httpVersion": str, "cookies": arr(cookie), "headers": arr(nv),
				"content":     obj([]string{"size", "mimeType"}, map[string]*schema{"size": num, "mimeType": str, "text": str}),
				"redirectURL": str, "headersSize": num, "bodySize": num,
			}),
			"cache":   obj(nil, nil),
			"timings": obj([]string{"send", "wait", "receive"}, map[string]*schema{"send": num, "wait": num, "receive": num}),
		})),
	})})
)

func (s *schema) check(v any, path string) []string {
	var errs []string
	typeOf := func(v any) string {
		switch v.(type) {
		case map[string]any:
			return "object"
		case []any:
			return "array"
		case string:
			return "string"
		case float64:
			return "number"
		case bool:
			return "boolean"
		case nil:
			return "null"
		}
		return "unknown"
	}
	if got := typeOf(v); got != s.Type {
		return []string{fmt.Sprintf("%s: want %s, got %s", path, s.Type, got)}
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing %s", path, r))
			}
		}
		for k, sub := range s.Properties {
			if val, ok := x[k]; ok {
				errs = append(errs, sub.check(val, path+"."+k)...)
			}
		}
	case []any:
		for i, item := range x {
			errs = append(errs, s.Items.check(item, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case string:
		if s.DateTime {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not an ISO 8601 date-time", path, x))
			}
		}
	}
	return errs
}

func harOf(t *testing.T, res *replay.Result) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteHAR(&buf, res); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestHARMatchesSchema(t *testing.T) {
	doc := harOf(t, replaytest.Incident(20, 3, true))
	if errs := harSchema.check(doc, "$"); len(errs) > 0 {
		t.Fatalf("HAR violates the 1.2 schema:\n%s", strings.Join(errs, "\n"))
	}
	log := doc["log"].(map[string]any)
	if log["version"] != "1.2" || len(log["pages"].([]any)) != 20 {
		t.Errorf("version %v, %d pages", log["version"], len(log["pages"].([]any)))
	}
	e := log["entries"].([]any)[1].(map[string]any)
	for _, f := range []string{"_datacenter", "_instance", "_edgeReason", "_lbReason", "_failure", "_run"} {
		if _, ok := e[f]; !ok {
			t.Errorf("entry lacks %s", f)
		}
	}
}

func TestHARFromRealReplayHasPostDataAndCookies(t *testing.T) {
	srv, _ := replaytest.NewServer(t, replaytest.Config{Seed: 1})
	r, err := replay.New(srv.URL, replay.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Replay(t.Context(), replay.Login, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	doc := harOf(t, res)
	if errs := harSchema.check(doc, "$"); len(errs) > 0 {
		t.Fatalf("HAR violates the 1.2 schema:\n%s", strings.Join(errs, "\n"))
	}
	post := doc["log"].(map[string]any)["entries"].([]any)[1].(map[string]any)["request"].(map[string]any)
	pd := post["postData"].(map[string]any)
	if pd["mimeType"] != "application/x-www-form-urlencoded" || len(pd["params"].([]any)) != 3 || !strings.Contains(pd["text"].(string), "UserName=alice") {
		t.Errorf("postData %v", pd)
	}
	if len(post["cookies"].([]any)) == 0 {
		t.Error("the POST carries no request cookies")
	}
}

// The schema check must be able to fail.
func TestHARSchemaCheckCatchesViolations(t *testing.T) {
	doc := harOf(t, replaytest.Incident(2, 1, false))
	entry := doc["log"].(map[string]any)["entries"].([]any)[0].(map[string]any)
	delete(entry["request"].(map[string]any), "httpVersion")
	entry["response"].(map[string]any)["status"] = "200"
	entry["startedDateTime"] = "yesterday"
	errs := harSchema.check(doc, "$")
	want := []string{
		"$.log.entries[0].request: missing httpVersion",
		"$.log.entries[0].response.status: want number, got string",
		`$.log.entries[0].startedDateTime: "yesterday" is not an ISO 8601 date-time`,
	}
	for _, w := range want {
		if !slices.Contains(errs, w) {
			t.Errorf("check missed %q; got %v", w, errs)
		}
	}
}

func TestMarkdown(t *testing.T) {
	res := replaytest.Incident(200, 4, true)
	model := stats.Expected(topology.Default(), 3)
	f := diagnose.Diagnose(res, diagnose.WithModel(model))
	var buf bytes.Buffer
	if err := report.WriteMarkdown(&buf, res, f, &model); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"# stickylab report: login", "## Summary", "| flow | runs | failed | failure rate | 95 % CI | expected |",
		"75.0 % (1 − Σ wᵢ³)", "## Where requests landed", "| dc-east |", "## Failure classes", "| antiforgery-undecryptable |",
		"## Diagnosis", "**cross-datacenter**", "## Sequence diagrams", "```mermaid\nsequenceDiagram", "participant lb_dc_east as dc-east LB",
		"(re-issued: new value)", "X-Stickylab-Failure: ", "succeeded (datacenters: "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Count(out, "```mermaid") != 2 {
		t.Errorf("%d diagrams, want a failed and a successful run", strings.Count(out, "```mermaid"))
	}
	if testing.Verbose() {
		t.Log(out)
	}
}

// A finding judged at 99.9 % (the level the scenarios assert at) gives a
// report that states that level and its interval, and no 95 % verdict.
func TestReportsStateTheConfidenceOfTheJudgement(t *testing.T) {
	res := replaytest.Incident(300, 4, true)
	s := res.Summary()
	_, hi95 := stats.Wilson(s.Failures, s.Runs, 0.95)
	_, hi999 := stats.Wilson(s.Failures, s.Runs, 0.999)
	model := stats.Model{Applies: true, FailureRate: (hi95 + hi999) / 2, Formula: "1 − Σ wᵢ³", Why: "per-request choice"}
	f := diagnose.Diagnose(res, diagnose.WithModel(model), diagnose.WithConfidence(0.999))
	var buf bytes.Buffer
	if err := report.WriteMarkdown(&buf, res, f, &model); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"| failure rate | 99.9 % CI | expected |", "| " + diagnose.CI(f.CILow, f.CIHigh) + " |", "agrees: the model is inside its 99.9 % CI"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"95 %", "disagrees"} {
		if strings.Contains(out, bad) {
			t.Errorf("report says %q:\n%s", bad, out)
		}
	}
	j := report.JSON(res, f, &model)
	if j.Confidence != 0.999 || j.CIHigh != hi999 || j.ModelAgrees == nil || !*j.ModelAgrees || j.CI95High != hi95 {
		t.Errorf("JSON judgement: confidence %g, interval %g–%g, agrees %v, ci95_high %g", j.Confidence, j.CILow, j.CIHigh, j.ModelAgrees, j.CI95High)
	}
}

func TestMarkdownActs(t *testing.T) {
	one := replaytest.Incident(10, 1, false)
	var buf bytes.Buffer
	err := report.WriteMarkdownActs(&buf, "The demo", []report.Act{
		{Title: "Act 1: one datacenter", Narrative: "All good.", Result: one, Finding: diagnose.Diagnose(one)},
		{Title: "Act 2: two", Result: one, Finding: diagnose.Diagnose(one)},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"# The demo", "## Act 1: one datacenter", "All good.", "### Summary", "## Act 2: two"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q", want)
		}
	}
}

func TestJSON(t *testing.T) {
	res := replaytest.Incident(100, 2, true)
	model := stats.Expected(topology.Default(), 3)
	f := diagnose.Diagnose(res, diagnose.WithModel(model))
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, res, f, &model); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"runs", "failed", "failure_rate", "ci95_low", "ci95_high", "causes", "datacenters", "instances",
		"diagnosis", "finding", "expected_failure_rate", "model_note", "flow", "elapsed_ms"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if got["expected_failure_rate"] != 0.75 || got["finding"] != "cross-datacenter" || got["runs"] != 100.0 {
		t.Errorf("JSON %v", got)
	}
	noModel := report.JSON(res, f, &stats.Model{Why: "no persistence in dc-east"})
	if noModel.ExpectedFailureRate != nil || !strings.Contains(noModel.ModelNote, "does not apply: no persistence") {
		t.Errorf("model that does not apply: %+v", noModel)
	}
	b, _ := json.Marshal(report.JSON(res, f, nil))
	if !strings.Contains(string(b), `"expected_failure_rate":null`) {
		t.Errorf("no model: %s", b)
	}
}
