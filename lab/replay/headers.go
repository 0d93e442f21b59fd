package replay

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Header names of the wire contract, defined in package policy
// (docs/ARCHITECTURE.md).
const (
	HeaderServedBy = policy.HeaderServedBy
	HeaderFailure  = policy.HeaderFailure
	HeaderEdge     = policy.HeaderEdge
	HeaderLB       = policy.HeaderLB
	HeaderStore    = policy.HeaderStore
)

// decisionFields parses "dc=dc-east; reason=new" into its fields.
func decisionFields(v string) map[string]string {
	if v == "" {
		return nil
	}
	out := map[string]string{}
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			out[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return out
}

// ParseHop builds a Hop from a request and response as recorded elsewhere
// (a HAR file, a test fixture): it parses the contract headers the same way
// the client does. Reissued is left empty: it needs the client's cookie jar.
func ParseHop(step, method, rawURL string, status int, request, response http.Header) Hop {
	h := Hop{Step: step, Method: method, URL: rawURL, Status: status, Proto: "HTTP/1.1", RequestHeader: request, ResponseHeader: response}
	h.annotate(response)
	return h
}

// annotate fills the hop's facts from its response headers. X-Served-By is
// the source of truth for where a request landed; the decision headers only
// fill in when it is absent.
func (h *Hop) annotate(header http.Header) {
	if e := decisionFields(header.Get(HeaderEdge)); e != nil {
		h.EdgeDatacenter, h.EdgeReason = e["dc"], e["reason"]
	}
	if l := decisionFields(header.Get(HeaderLB)); l != nil {
		h.LB, h.LBMember, h.LBReason = l["lb"], l["member"], l["reason"]
	}
	h.Failure = strings.TrimSpace(header.Get(HeaderFailure))
	h.Location = header.Get("Location")
	h.ContentType = header.Get("Content-Type")
	if sb := strings.TrimSpace(header.Get(HeaderServedBy)); sb != "" {
		dc, inst, ok := strings.Cut(sb, "/")
		if ok {
			h.Datacenter, h.Instance = dc, inst
		} else {
			h.Instance = sb
		}
	}
	if h.Datacenter == "" {
		h.Datacenter = firstNonEmpty(h.EdgeDatacenter, h.LB)
	}
	if h.Instance == "" {
		h.Instance = h.LBMember
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

var (
	inputTag = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attr     = regexp.MustCompile(`(?is)([a-z_:][-a-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
)

// formInputs returns name → value of every <input> in an HTML page.
func formInputs(body string) map[string]string {
	out := map[string]string{}
	for _, tag := range inputTag.FindAllString(body, -1) {
		var name, value string
		for _, m := range attr.FindAllStringSubmatch(tag, -1) {
			v := m[2] + m[3] + m[4]
			switch strings.ToLower(m[1]) {
			case "name":
				name = v
			case "value":
				value = v
			}
		}
		if name != "" {
			if _, seen := out[name]; !seen {
				out[name] = htmlUnescape(value)
			}
		}
	}
	return out
}

var htmlEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&#x2B;", "+", "&#43;", "+", "&#x2F;", "/", "&#47;", "/", "&#x3D;", "=", "&#61;", "=")

func htmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return htmlEntities.Replace(s)
}
