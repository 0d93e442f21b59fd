package fakeapp

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"sync"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds one template set per page, each the layout plus its content.
var pages = func() map[string]*template.Template {
	layout := template.Must(template.ParseFS(templateFS, "templates/layout.html"))
	m := map[string]*template.Template{}
	for _, name := range []string{"login", "account", "password", "error"} {
		m[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return m
}()

// formPages are the pages that hold a form. They are sent with
// X-Frame-Options: SAMEORIGIN, as MVC 5's AntiForgeryToken() sends it, so
// that no other site can frame the form and trick a click into posting it.
var formPages = func() map[string]bool {
	m := map[string]bool{}
	for name := range pages {
		src, err := templateFS.ReadFile("templates/" + name + ".html")
		m[name] = err == nil && bytes.Contains(src, []byte("<form"))
	}
	return m
}()

// pageData is everything a page may show. Every field is escaped by
// html/template.
type pageData struct {
	Title    string
	ServedBy string
	User     string
	Token    string
	Error    string
	Message  string
	Class    string
	// Exception is the .NET exception type an error page names.
	Exception string
	Done      bool
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a whole page or, if the template fails, a plain 500: a page
// is rendered into a buffer first so a half-written page is never sent.
func (a *App) render(w http.ResponseWriter, status int, page string, d pageData) {
	d.ServedBy = a.servedBy
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); bufPool.Put(buf) }()
	if err := pages[page].ExecuteTemplate(buf, "layout", d); err != nil {
		http.Error(w, "render "+page+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-store")
	if formPages[page] {
		h.Set("X-Frame-Options", "SAMEORIGIN")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail answers a failed step: the class in X-Stickylab-Failure and, for a
// server error, ASP.NET's message on its error page.
func (a *App) fail(w http.ResponseWriter, f *failure) {
	w.Header().Set(HeaderFailure, f.class)
	a.render(w, f.status, "error", pageData{Title: "Server Error", Message: f.message, Class: f.class, Exception: f.exception})
}
