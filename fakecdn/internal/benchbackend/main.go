// Command benchbackend is the trivial static backend scripts/bench-lb.sh
// puts behind HAProxy and fakecdn: a small fixed body on every path and 200
// on /healthz. With -free-ports N it prints N free 127.0.0.1 ports and exits.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	name := flag.String("name", "bench", "value of X-Served-By")
	freePorts := flag.Int("free-ports", 0, "print this many free 127.0.0.1 ports and exit")
	flag.Parse()
	if *freePorts > 0 {
		if err := printFreePorts(*freePorts); err != nil {
			fmt.Fprintln(os.Stderr, "benchbackend:", err)
			os.Exit(1)
		}
		return
	}
	body := []byte("<html><body>" + strings.Repeat("x", 512) + "</body></html>\n")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", *name)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(body)
	})
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "benchbackend:", err)
		os.Exit(1)
	}
}

// printFreePorts holds every listener until all are chosen so the ports differ.
func printFreePorts(n int) error {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ls = append(ls, l)
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
	}
	return nil
}
