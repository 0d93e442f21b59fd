package dashboard

import (
	"fmt"
	"sync"
	"time"
)

// actionLog keeps the latest controls and their outcome for the page.
type actionLog struct {
	mu    sync.Mutex
	items []string
}

const logLines = 8

func (a *actionLog) add(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.items = append(a.items, time.Now().Format("15:04:05")+"  "+fmt.Sprintf(format, args...))
	if len(a.items) > logLines {
		a.items = a.items[len(a.items)-logLines:]
	}
}

// lines are the entries, newest first.
func (a *actionLog) lines() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, len(a.items))
	for i, s := range a.items {
		out[len(out)-1-i] = s
	}
	return out
}
