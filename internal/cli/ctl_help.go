package cli

import (
	"fmt"
	"strings"

	"github.com/stickylab/stickylab/lab"
)

// Help text for ctl's fault commands, written from the fault registry.

func argsUse(f lab.Fault) string {
	var b strings.Builder
	for i, a := range f.Args {
		switch {
		case i == 0 && a.Required:
			fmt.Fprintf(&b, " %s|%s=VALUE", strings.ToUpper(a.Name), a.Name)
		case a.Required:
			fmt.Fprintf(&b, " %s=VALUE", a.Name)
		default:
			fmt.Fprintf(&b, " [%s=VALUE]", a.Name)
		}
	}
	return b.String()
}

func faultHelp(f lab.Fault) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nTarget: %s.\n", f.Does, f.Target)
	if len(f.Args) > 0 {
		b.WriteString("\nArguments (key=value; the first may be given bare):\n")
		for _, a := range f.Args {
			fmt.Fprintf(&b, "  %-15s %s%s\n", a.Name, a.Doc, argDetail(a))
		}
	}
	fmt.Fprintf(&b, "\nInterrupted (Ctrl-C, timeout): %s\n", f.Interrupt)
	return b.String()
}

func argDetail(a lab.Arg) string {
	switch {
	case a.Kind == lab.ArgEnum:
		return " (" + strings.Join(a.Values, ", ") + ")"
	case a.Required:
		return " (required)"
	case a.Default != "":
		return " (default " + a.Default + ")"
	}
	return ""
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

func exampleTarget(k lab.TargetKind) string {
	switch k {
	case lab.TargetInstance:
		return "dc-east-1"
	case lab.TargetBalancer:
		return "edge"
	}
	return "dc-west"
}

func exampleArgs(f lab.Fault) string {
	var b strings.Builder
	for _, a := range f.Args {
		if !a.Required {
			continue
		}
		v := "1"
		switch {
		case a.Kind == lab.ArgEnum:
			v = a.Values[len(a.Values)-1]
		case a.Kind == lab.ArgDuration:
			v = "200ms"
		case a.Kind == lab.ArgString:
			v = "latency"
		}
		fmt.Fprintf(&b, " %s=%s", a.Name, v)
	}
	return b.String()
}
