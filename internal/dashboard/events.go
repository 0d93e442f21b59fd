package dashboard

import (
	"fmt"
	"net/http"
	"sync"
)

// hub fans the latest snapshot out to every open page.
type hub struct {
	mu   sync.Mutex
	subs map[chan []byte]struct{}
	last []byte // the latest message, sent first to a new page
}

// subscribe returns a channel of SSE messages and its cancel func.
func (h *hub) subscribe() (<-chan []byte, func()) {
	ch := make(chan []byte, 4)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[chan []byte]struct{}{}
	}
	h.subs[ch] = struct{}{}
	if h.last != nil {
		ch <- h.last
	}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, ch)
	}
}

// listening says whether any page is open.
func (h *hub) listening() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) > 0
}

// publish sends msg to every page; a page that has not read the previous
// messages yet misses this one (the next snapshot replaces it anyway).
func (h *hub) publish(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = msg
	for ch := range h.subs {
		select {
		case ch <- msg:
		default:
		}
	}
}

// serveEvents streams snapshots as server-sent events until the page goes.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	ch, cancel := s.hub.subscribe()
	defer cancel()
	s.kick()
	fmt.Fprint(w, "retry: 1000\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		case msg := <-ch:
			fmt.Fprintf(w, "event: state\ndata: %s\n\n", msg)
			flusher.Flush()
		}
	}
}
