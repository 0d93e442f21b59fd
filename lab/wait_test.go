package lab

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWaitForSaysWhatWasStillNotSoAndForHowLong(t *testing.T) {
	never := func(context.Context) string { return "edge still reports it healthy" }
	err := waitFor(t.Context(), 60*time.Millisecond, never)
	if err == nil || err.Error() != "edge still reports it healthy after 60ms" {
		t.Fatalf("got %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = waitFor(ctx, time.Minute, never)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "edge still reports it healthy after ") {
		t.Fatalf("a cancelled ctx: got %v", err)
	}
	n := 0
	soon := func(context.Context) string {
		if n++; n < 3 {
			return "not yet"
		}
		return ""
	}
	if err := waitFor(t.Context(), time.Minute, soon); err != nil || n != 3 {
		t.Fatalf("got %v after %d checks", err, n)
	}
}
