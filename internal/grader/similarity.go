package grader

import (
	"bytes"
	"fmt"
	"html/template"
	"path/filepath"
	"strings"

	"github.com/d2l-go/d2l-go/internal/similarity"
)

// The similarity check (`d2l grade -similarity`): for each code exercise,
// every pair of submissions is compared with winnowed fingerprints of their
// normalised tokens (package similarity), the stub's own code left out; the
// pairs above the thresholds are written to OUT/similarity.md (a list) and
// OUT/similarity.html (the shared lines side by side). Similar code is a
// reason to look, not proof of copying: small exercises have few ways to be
// written. What students wrote is shown as text: escaped in Markdown
// (mdText), and by html/template in the HTML page.

// Similarity report files.
const (
	SimilarityFile = "similarity.md"
	SimilarityHTML = "similarity.html"
)

// SimilarityOptions are the thresholds of the similarity report.
type SimilarityOptions struct {
	// MinScore is the least share of the smaller file's fingerprints the other
	// must hold (default 0.5).
	MinScore float64
	// MinTokens is the least number of normalised tokens the pair must share
	// (default 60: about six lines of Go).
	MinTokens int
	// Only limits the check to these exercises (empty: every code exercise).
	Only []string
}

// SimilarPair is one pair of submissions whose code for an exercise is alike.
type SimilarPair struct {
	Exercise string
	A, B     string  // students
	Score    float64 // share of the smaller file's fingerprints found in the other
	Tokens   int     // normalised tokens of A the shared fingerprints cover
	Blocks   []similarity.Block
}

// FindSimilar compares, for each code exercise, every pair of submissions
// that changed the stub, and returns the pairs above the thresholds, by
// exercise and then most shared first.
func FindSimilar(cat *Catalog, subs []*Submission, opt SimilarityOptions) []SimilarPair {
	if opt.MinScore == 0 {
		opt.MinScore = 0.5
	}
	if opt.MinTokens == 0 {
		opt.MinTokens = 60
	}
	var out []SimilarPair
	for _, e := range cat.Exercises {
		if e.Kind != KindCode || len(opt.Only) > 0 && !containsString(opt.Only, e.ID) {
			continue
		}
		stub := []byte(cat.Stubs[e.Section+"/"+e.File])
		stubTokens := tokenKinds(stub)
		c := &similarity.Corpus{}
		for _, s := range subs {
			src, ok := s.Files[e.Section][e.File]
			if !ok || tokenKinds(src) == stubTokens {
				continue
			}
			c.Docs = append(c.Docs, similarity.NewDoc(s.Name, src, stub, similarity.DefaultK, similarity.DefaultW))
		}
		for _, m := range c.Pairs(opt.MinScore, opt.MinTokens) {
			out = append(out, SimilarPair{Exercise: e.ID, A: m.A.Name, B: m.B.Name, Score: m.Score, Tokens: m.Tokens, Blocks: m.Blocks})
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tokenKinds is a file's normalised token stream as one string.
func tokenKinds(src []byte) string {
	var sb strings.Builder
	for _, t := range similarity.Tokens(src) {
		sb.WriteString(t.Kind + " ")
	}
	return sb.String()
}

// WriteSimilarity writes OUT/similarity.md and OUT/similarity.html for pairs
// found in subs.
func WriteSimilarity(out string, cat *Catalog, subs []*Submission, pairs []SimilarPair, opt SimilarityOptions) error {
	byName := map[string]*Submission{}
	for _, s := range subs {
		byName[s.Name] = s
	}
	var md strings.Builder
	md.WriteString("# 相似度检查 / Similarity check\n\n")
	fmt.Fprintf(&md, "%d submissions compared, exercise by exercise (winnowed fingerprints of the code with names, literals and comments left out, the stub's own code removed). ", len(subs))
	if opt.MinScore == 0 {
		opt.MinScore = 0.5
	}
	if opt.MinTokens == 0 {
		opt.MinTokens = 60
	}
	fmt.Fprintf(&md, "A pair is listed when the smaller file has at least %s %% of its fingerprints in the other and they share at least %d tokens. ", points(100*opt.MinScore), opt.MinTokens)
	md.WriteString("Similar code is a reason to look, not proof: a short exercise can be written only a few ways. ")
	fmt.Fprintf(&md, "The shared lines are side by side in [%s](%s).\n\n", SimilarityHTML, SimilarityHTML)
	if len(pairs) == 0 {
		md.WriteString("No pair above the thresholds.\n")
	} else {
		md.WriteString("| exercise | student | student | similarity | shared tokens |\n|---|---|---|---:|---:|\n")
		for i, p := range pairs {
			fmt.Fprintf(&md, "| %s | %s | %s | [%s %%](%s#pair-%d) | %d |\n", p.Exercise, mdText(p.A), mdText(p.B), points(100*p.Score), SimilarityHTML, i+1, p.Tokens)
		}
	}
	type side struct {
		Lines string
		Code  string
	}
	type block struct{ A, B side }
	type pairView struct {
		N               int
		Exercise, Title string
		A, B            string
		Percent         string
		Tokens          int
		FileA, FileB    string
		Blocks          []block
	}
	var views []pairView
	for i, p := range pairs {
		e := cat.Find(p.Exercise)
		a, b := byName[p.A], byName[p.B]
		srcA, srcB := a.Files[e.Section][e.File], b.Files[e.Section][e.File]
		pv := pairView{N: i + 1, Exercise: p.Exercise, Title: e.Title, A: DisplayName(p.A), B: DisplayName(p.B), Percent: points(100 * p.Score), Tokens: p.Tokens,
			FileA: DisplayName(a.Origins[e.Section+"/"+e.File]), FileB: DisplayName(b.Origins[e.Section+"/"+e.File])}
		for _, bl := range p.Blocks {
			pv.Blocks = append(pv.Blocks, block{
				A: side{fmt.Sprintf("%d–%d", bl.A1, bl.A2), plainText(similarity.Lines(srcA, bl.A1, bl.A2))},
				B: side{fmt.Sprintf("%d–%d", bl.B1, bl.B2), plainText(similarity.Lines(srcB, bl.B1, bl.B2))},
			})
		}
		views = append(views, pv)
	}
	var page bytes.Buffer
	if err := similarityPage.Execute(&page, views); err != nil {
		return fmt.Errorf("grader.WriteSimilarity: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(out, SimilarityFile), []byte(md.String())); err != nil {
		return fmt.Errorf("grader.WriteSimilarity: %w", err)
	}
	return writeFileAtomic(filepath.Join(out, SimilarityHTML), page.Bytes())
}

// similarityPage shows each pair's shared lines side by side. html/template
// escapes every student-controlled string (names, file names, code).
var similarityPage = template.Must(template.New("similarity").Parse(`<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>Similarity check</title>
<style>body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{border:1px solid #ccc;vertical-align:top;padding:4px;text-align:left}pre{margin:0;white-space:pre-wrap;font-size:12px}</style>
</head><body>
<h1>相似度检查 / Similarity check</h1>
<p>Similar code is a reason to look, not proof: a short exercise can be written only a few ways.</p>
{{if not .}}<p>No pair above the thresholds.</p>{{end}}
{{range .}}<h2 id="pair-{{.N}}">{{.N}}. {{.Exercise}} {{.Title}}: {{.A}} — {{.B}} ({{.Percent}} %, {{.Tokens}} tokens)</h2>
<table><tr><th>{{.A}}: {{.FileA}}</th><th>{{.B}}: {{.FileB}}</th></tr>
{{range .Blocks}}<tr><td>lines {{.A.Lines}}<pre>{{.A.Code}}</pre></td><td>lines {{.B.Lines}}<pre>{{.B.Code}}</pre></td></tr>
{{end}}</table>
{{end}}</body></html>
`))
