package policy

import (
	"reflect"
	"strings"
)

// Patch is PATCH /config, and the lab's Policy: nil fields stay as they are.
type Patch struct {
	Selection         *Selection   `json:"selection,omitempty"`
	SelectionHeader   *string      `json:"selection_header,omitempty"`
	HashCookie        *string      `json:"hash_cookie,omitempty"`
	Persistence       *Persistence `json:"persistence,omitempty"`
	Undecodable       *Undecodable `json:"undecodable,omitempty"`
	OnMemberDown      *MemberDown  `json:"on_member_down,omitempty"`
	PassthroughSingle *bool        `json:"passthrough_single,omitempty"`
	DecisionHeaders   *bool        `json:"decision_headers,omitempty"`
	Cookie            *CookiePatch `json:"cookie,omitempty"`
	// The edge's steering and whom it trusts: Config's own fields, not
	// Tier's, so Config.Apply sets them and Tier.Apply leaves them out.
	Steering       *string   `json:"steering,omitempty"`
	DNSTTL         *Duration `json:"dns_ttl,omitempty"`
	ResolverHeader *string   `json:"resolver_header,omitempty"`
	TrustClientIP  *bool     `json:"trust_client_ip,omitempty"`
}

// CookiePatch changes the persistence cookie; nil fields stay. There is no
// way back to a nil Secure ("when HTTPS") but the start configuration.
type CookiePatch struct {
	Name     *string   `json:"name,omitempty"`
	Codec    *Codec    `json:"codec,omitempty"`
	TTL      *Duration `json:"ttl,omitempty"`
	NoCache  *bool     `json:"nocache,omitempty"`
	HTTPOnly *bool     `json:"httponly,omitempty"`
	Secure   *bool     `json:"secure,omitempty"`
	MaxIdle  *Duration `json:"max_idle,omitempty"`
	MaxLife  *Duration `json:"max_life,omitempty"`
}

// Apply is t with the fields p sets. Each field of Patch sets the Tier
// field of the same name, so a field added to both is patched with no
// other change; the fields a Tier does not have (steering) are left out.
func (t Tier) Apply(p Patch) Tier {
	overlay(reflect.ValueOf(&t).Elem(), reflect.ValueOf(p))
	return t
}

// Apply is c with the fields p sets: the tier's policy and the steering.
func (c Config) Apply(p Patch) Config {
	overlay(reflect.ValueOf(&c).Elem(), reflect.ValueOf(p))
	return c
}

// Merge is p with the fields q sets on top.
func (p Patch) Merge(q Patch) Patch {
	overlay(reflect.ValueOf(&p).Elem(), reflect.ValueOf(q))
	return p
}

// Patch is the patch that sets every field of t that PATCH /config may
// change; a nil switch of t (its default) is left out.
func (t Tier) Patch() Patch {
	var p Patch
	capture(reflect.ValueOf(&p).Elem(), reflect.ValueOf(t))
	return p
}

// Patch is the patch that sets every field of c that PATCH /config may
// change, the steering included.
func (c Config) Patch() Patch {
	var p Patch
	capture(reflect.ValueOf(&p).Elem(), reflect.ValueOf(c))
	return p
}

// overlay sets dst's fields (a struct) from src's non-nil pointer fields of
// the same name (promoted fields of an embedded struct count), recursing
// into nested patches; a field dst does not have is skipped.
func overlay(dst, src reflect.Value) {
	for i := range src.NumField() {
		sv := src.Field(i)
		if sv.IsNil() {
			continue
		}
		dv := dst.FieldByName(src.Type().Field(i).Name)
		switch {
		case !dv.IsValid():
		case sv.Elem().Kind() == reflect.Struct && dv.Kind() == reflect.Pointer:
			v := reflect.New(dv.Type().Elem()) // a copy: the patch merged into stays as it was
			if !dv.IsNil() {
				v.Elem().Set(dv.Elem())
			}
			dv.Set(v)
			overlay(v.Elem(), sv.Elem())
		case sv.Elem().Kind() == reflect.Struct:
			overlay(dv, sv.Elem())
		case dv.Kind() == reflect.Pointer:
			v := reflect.New(dv.Type().Elem())
			v.Elem().Set(sv.Elem())
			dv.Set(v)
		default:
			dv.Set(sv.Elem())
		}
	}
}

// capture sets each pointer field of dst (a patch) to a copy of src's field
// of the same name; a nil src pointer, or a field src does not have, stays
// nil.
func capture(dst, src reflect.Value) {
	for i := range dst.NumField() {
		dv := dst.Field(i)
		sv := src.FieldByName(dst.Type().Field(i).Name)
		switch {
		case !sv.IsValid():
		case dv.Type().Elem().Kind() == reflect.Struct:
			dv.Set(reflect.New(dv.Type().Elem()))
			capture(dv.Elem(), sv)
		case sv.Kind() == reflect.Pointer:
			if !sv.IsNil() {
				dv.Set(reflect.New(sv.Type().Elem()))
				dv.Elem().Set(sv.Elem())
			}
		default:
			dv.Set(reflect.New(sv.Type()))
			dv.Elem().Set(sv)
		}
	}
}

// Fields maps the JSON names of v's fields (v points to a struct such as a
// Patch) to pointers to them, for a decoder that names the field it fails on.
func Fields(v any) map[string]any {
	rv := reflect.ValueOf(v).Elem()
	out := map[string]any{}
	for i := range rv.NumField() {
		name, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ",")
		out[name] = rv.Field(i).Addr().Interface()
	}
	return out
}
