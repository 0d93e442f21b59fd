package policy_test

import (
	"slices"
	"strings"
	"testing"

	_ "github.com/stickylab/stickylab/fakecdn" // registers fakecdn's selections and codecs
	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Validation reads the registries: what fakecdn registers is valid, the rest
// is refused with the registered names.
func TestValidationReadsTheRegistries(t *testing.T) {
	if !slices.Contains(policy.Selections(), policy.ConsistentHash) || !slices.Contains(policy.Codecs(), policy.CodecF5Encrypted) {
		t.Fatalf("selections %v, codecs %v", policy.Selections(), policy.Codecs())
	}
	tier := policy.Defaults(policy.RoleDC)
	tier.Selection, tier.Cookie.Codec = "fastest", "rot13"
	errs := tier.Validate(policy.Vendor{})
	if len(errs) != 2 || errs[0].Field != "selection" || errs[1].Field != "cookie.codec" {
		t.Fatalf("want selection and cookie.codec refused, got %v", errs)
	}
	if !strings.Contains(errs[1].Msg, string(policy.CodecF5Encrypted)) {
		t.Fatalf("the codec error should list the registered codecs: %v", errs[1])
	}
}

func TestRegisteringANameTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering random twice did not panic")
		}
	}()
	policy.RegisterSelection(policy.Random)
}
