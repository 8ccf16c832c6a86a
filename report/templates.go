package report

import (
	"embed"
	"html/template"
	"strings"
	"sync"
)

// The pages' markup, style and script are files rather than Go strings so
// that they read (and diff) as what they are, and the markup is an
// html/template so that escaping is the template engine's job: every value
// is escaped for where it lands, text, attribute or the JSON a script
// reads, instead of at each place the page is written.
var (
	//go:embed templates/*.tmpl
	templateFS embed.FS
	//go:embed assets/check.css
	checkCSS string
	//go:embed assets/dashboard.css
	dashboardCSS string
	//go:embed assets/dashboard.js
	dashboardJS string
	//go:embed assets/fragments.css
	fragmentsCSS string
)

// pageTemplates parses the templates once, on first use. They are part of
// the program, so an error is a bug a test catches; it is returned rather
// than panicked on.
var pageTemplates = sync.OnceValues(func() (*template.Template, error) {
	return template.New("").Funcs(template.FuncMap{"num": num}).ParseFS(templateFS, "templates/*.tmpl")
})

// asset is an embedded file without the newline that ends it on disk: the
// page puts its own punctuation after it.
func asset(s string) string { return strings.TrimSuffix(s, "\n") }
