package labtest

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// WriteIndex writes index.html into dir: one row per replay report the
// suite wrote there (HTML, Markdown, HAR), grouped by spec, so that a reader
// opens one page after `make scenarios` instead of a folder listing. It reads
// the folder rather than a list kept in memory, because each Ginkgo process
// writes its own reports.
func WriteIndex(dir string) (string, error) {
	rows, err := indexRows(dir)
	if err != nil {
		return "", fmt.Errorf("scenario index of %s: %w", dir, err)
	}
	path := filepath.Join(dir, "index.html")
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("scenario index: %w", err)
	}
	defer f.Close()
	if err := indexPage.Execute(f, rows); err != nil {
		return "", fmt.Errorf("scenario index %s: %w", path, err)
	}
	return path, f.Close()
}

// indexRow is one replay: the files written for one artifact base name.
type indexRow struct {
	Name            string
	HTML, MD, HAR   string
	HasHTML, HasHAR bool
}

func indexRows(dir string) ([]indexRow, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	byBase := map[string]*indexRow{}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		base := strings.TrimSuffix(e.Name(), ext)
		if e.IsDir() || e.Name() == "index.html" || (ext != ".html" && ext != ".md" && ext != ".har") {
			continue
		}
		r := byBase[base]
		if r == nil {
			r = &indexRow{Name: base}
			byBase[base] = r
		}
		switch ext {
		case ".html":
			r.HTML, r.HasHTML = e.Name(), true
		case ".md":
			r.MD = e.Name()
		case ".har":
			r.HAR, r.HasHAR = e.Name(), true
		}
	}
	rows := make([]indexRow, 0, len(byBase))
	for _, r := range byBase {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows, nil
}

var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stickylab scenario reports</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}th{background:#f4f4f4}</style></head>
<body><h1>stickylab scenario reports</h1>
<p>One row per replay a spec recorded: the HTML report with its charts, the Markdown report, and the HAR of every hop.</p>
{{if .}}<table><tr><th>spec and replay</th><th>report</th><th>markdown</th><th>HAR</th></tr>
{{range .}}<tr><td>{{.Name}}</td><td>{{if .HasHTML}}<a href="{{.HTML}}">charts</a>{{end}}</td><td>{{if .MD}}<a href="{{.MD}}">md</a>{{end}}</td><td>{{if .HasHAR}}<a href="{{.HAR}}">har</a>{{end}}</td></tr>
{{end}}</table>{{else}}<p>No replay was recorded.</p>{{end}}
</body></html>
`))
