package diagnose

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The numbers of a finding as every report writes them: the diagnosis, the
// CLI, the Markdown and HTML reports, the matchers and the monitor.

// Level formats a confidence: "95 %", "99.9 %".
func Level(c float64) string {
	return strconv.FormatFloat(math.Round(1e6*c)/1e4, 'f', -1, 64) + " %"
}

// Pct formats a rate as "75.0 %".
func Pct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }

// CI formats an interval as "70.5–79.0 %".
func CI(lo, hi float64) string { return fmt.Sprintf("%.1f–%.1f %%", 100*lo, 100*hi) }

// ByCount lists m's keys most counted first, ties by name.
func ByCount(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

// CountList lists m's keys by count (ByCount), each followed by sep and its
// count: CountList(m, " ") is "session-missing 3, antiforgery-undecryptable 2".
func CountList(m map[string]int, sep string) string {
	keys := ByCount(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s%s%d", k, sep, m[k])
	}
	return strings.Join(parts, ", ")
}
