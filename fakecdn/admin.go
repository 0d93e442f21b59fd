package fakecdn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// apiError is an admin API failure with its HTTP status (toxiproxy style):
// {"error":"persistence: \"foo\" is not one of none, cookie, source-ip","field":"persistence"}.
type apiError struct {
	status int
	Err    string `json:"error"`
	Field  string `json:"field,omitempty"`
}

func (e *apiError) Error() string { return e.Err }

func badRequest(field, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, Err: fmt.Sprintf(format, args...), Field: field}
}

// Admin is the admin API: GET /healthz, GET /state, PATCH /config,
// PATCH /members/{name}, POST /rotate-key, POST /reset-key, GET /metrics. It answers local
// requests only, and state changes only as JSON (guardAdmin).
func (lb *LB) Admin() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /metrics", lb.serveMetrics)
	mux.Handle("GET /state", lb.api(func(*http.Request) error { return nil }))
	mux.Handle("PATCH /config", lb.api(lb.patchConfig))
	mux.Handle("PATCH /members/{name}", lb.api(lb.patchMember))
	mux.Handle("POST /rotate-key", lb.api(func(*http.Request) error { return lb.RotateKey() }))
	mux.Handle("POST /reset-key", lb.api(func(*http.Request) error { return lb.ResetKey() }))
	return lb.guardAdmin(mux)
}

// api is the one guard: run fn, then answer the state or the error as JSON.
func (lb *LB) api(fn func(*http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(r); err != nil {
			writeJSON(w, toAPIError(err).status, toAPIError(err))
			return
		}
		writeJSON(w, http.StatusOK, lb.State())
	})
}

func toAPIError(err error) *apiError {
	var ae *apiError
	var fe *FieldError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, ErrUnknownMember):
		return &apiError{status: http.StatusNotFound, Err: err.Error()}
	case errors.As(err, &fe):
		return &apiError{status: http.StatusBadRequest, Err: err.Error(), Field: fe.Field}
	}
	return &apiError{status: http.StatusInternalServerError, Err: err.Error()}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (lb *LB) patchConfig(r *http.Request) error {
	var p ConfigPatch
	var cookie map[string]json.RawMessage
	fields := policy.Fields(&p)
	fields["cookie"] = &cookie // decoded field by field below, so an error names cookie.<field>
	if err := decodeFields(r.Body, "", fields); err != nil {
		return err
	}
	if cookie != nil {
		p.Cookie = &CookiePatch{}
		if err := decodeRaw(cookie, "cookie.", policy.Fields(p.Cookie)); err != nil {
			return err
		}
	}
	return lb.Configure(p)
}

func (lb *LB) patchMember(r *http.Request) error {
	name := r.PathValue("name")
	if lb.pool.get(name) == nil {
		return fmt.Errorf("member %q: %w", name, ErrUnknownMember)
	}
	var p MemberPatch
	if err := decodeFields(r.Body, "", policy.Fields(&p)); err != nil {
		return err
	}
	return lb.SetMember(name, p)
}

// decodeFields reads a JSON object whose keys must be in fields, decoding
// each into its destination so an error names the field.
func decodeFields(body io.Reader, prefix string, fields map[string]any) error {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(io.LimitReader(body, 1<<20))
	if err := dec.Decode(&raw); err != nil {
		return badRequest("", "body: not a JSON object: %v", err)
	}
	return decodeRaw(raw, prefix, fields)
}

func decodeRaw(raw map[string]json.RawMessage, prefix string, fields map[string]any) error {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		dst, ok := fields[k]
		if !ok {
			known := make([]string, 0, len(fields))
			for f := range fields {
				known = append(known, f)
			}
			sort.Strings(known)
			return badRequest(prefix+k, "%s%s: unknown field (known: %v)", prefix, k, known)
		}
		if err := json.Unmarshal(raw[k], dst); err != nil {
			return badRequest(prefix+k, "%s%s: %s is invalid: %v", prefix, k, raw[k], err)
		}
	}
	return nil
}
