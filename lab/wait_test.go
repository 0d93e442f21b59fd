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

func TestWaitForGivesASlowConditionTheCallersWholeDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	n := 0
	slow := func(context.Context) string { // holds at the 10th check, 9 poll intervals in
		if n++; n < 10 {
			return "not yet"
		}
		return ""
	}
	limit := pollInterval / 2 // shorter than the time the condition needs
	if err := waitFor(ctx, limit, slow); err != nil || n != 10 {
		t.Fatalf("with a deadline from the caller, the limit must not cut the wait: %v after %d checks", err, n)
	}
}
