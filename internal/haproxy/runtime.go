package haproxy

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// runtimeTimeout bounds one runtime API command when ctx has no earlier
// deadline: haproxy answers from memory, a slow answer is a stuck one.
const runtimeTimeout = 5 * time.Second

// Runtime is HAProxy's runtime API on its stats socket, one command per
// connection (the socket's non-interactive mode).
type Runtime struct{ Socket string }

// Do sends one command and returns haproxy's whole answer. An answer that is
// an error message is an error naming the command.
func (r Runtime) Do(ctx context.Context, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, runtimeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", r.Socket)
	if err != nil {
		return "", fmt.Errorf("haproxy runtime API %s: %w", r.Socket, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if _, err := io.WriteString(conn, command+"\n"); err != nil {
		return "", fmt.Errorf("haproxy runtime API %q: %w", command, err)
	}
	out, err := io.ReadAll(conn)
	if err != nil {
		return "", fmt.Errorf("haproxy runtime API %q: %w", command, err)
	}
	answer := strings.TrimSpace(string(out))
	if refused(answer) {
		return "", fmt.Errorf("haproxy runtime API %q: %s", command, answer)
	}
	return string(out), nil
}

// refused recognises haproxy's error answers to a command it did not carry
// out: it answers those in plain words, not with a status.
func refused(answer string) bool {
	for _, p := range []string{"Unknown command", "No such", "Require ", "Invalid ", "Permission denied", "'set server' expects"} {
		if strings.HasPrefix(answer, p) {
			return true
		}
	}
	return false
}

// table parses an answer of space- or comma-separated rows under a
// "# name name …" header (show servers state, show stat) into rows keyed
// by column name.
func table(answer, sep string) []map[string]string {
	var cols []string
	var rows []map[string]string
	for _, line := range strings.Split(answer, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "# "):
			cols = split(strings.TrimPrefix(line, "# "), sep)
		case line == "" || cols == nil:
		default:
			row := map[string]string{}
			for i, v := range split(line, sep) {
				if i < len(cols) {
					row[cols[i]] = v
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func split(line, sep string) []string {
	if sep == " " {
		return strings.Fields(line)
	}
	return strings.Split(line, sep)
}
