package cli

import (
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether v is a terminal (an *os.File on a TTY).
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// palette colours text only on a terminal, and never with NO_COLOR set.
type palette struct{ on bool }

func newPalette(s Streams) palette {
	return palette{on: isTerminal(s.Out) && s.getenv("NO_COLOR") == "" && s.getenv("TERM") != "dumb"}
}

func (p palette) wrap(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) bold(s string) string   { return p.wrap("1", s) }
func (p palette) dim(s string) string    { return p.wrap("2", s) }
func (p palette) red(s string) string    { return p.wrap("31", s) }
func (p palette) green(s string) string  { return p.wrap("32", s) }
func (p palette) yellow(s string) string { return p.wrap("33", s) }
func (p palette) cyan(s string) string   { return p.wrap("36", s) }
