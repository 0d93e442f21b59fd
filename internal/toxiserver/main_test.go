package toxiserver

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestMainRefusesBadFlagsAndHosts(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"--admin-hosts", "http://evil:1"}, "--admin-hosts"},
	} {
		var out, errs bytes.Buffer
		if code := Main(context.Background(), c.args, &out, &errs); code != exitUsage || !strings.Contains(errs.String(), c.want) {
			t.Errorf("Main(%v) = %d, stderr %q; want %d and %q", c.args, code, errs.String(), exitUsage, c.want)
		}
	}
}
