package grader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/d2l-go/d2l-go/internal/literate"
	"github.com/d2l-go/d2l-go/internal/notebook"
)

// CellMeta is the metadata key ("d2l") that marks a solution cell of an
// exercise notebook and names the Go file it becomes.
type CellMeta struct {
	Role     string `json:"role"` // "solution" (extracted), "answer" (manual), "prep" (the first code cell) or "test" (the %test cell)
	Exercise string `json:"exercise,omitempty"`
	Section  string `json:"section"`
	File     string `json:"file,omitempty"`
}

// metaKey is the cell metadata key of CellMeta.
const metaKey = "d2l"

// ExtractedFile is one Go file rebuilt from a notebook's solution cells.
type ExtractedFile struct {
	Section, File string
	Source        []byte
	// Lines maps each line of Source (index line-1) to the cell and line it
	// came from (zero for the lines extraction wrote: package, imports).
	Lines []CellLine
}

// CellLine is where a line of an extracted file was written in the notebook.
type CellLine struct {
	Cell     int    `json:"cell"`               // the cell's position in the notebook, from 1 (0: a line the grader wrote)
	Exercise string `json:"exercise,omitempty"` // the exercise the cell answers
	Line     int    `json:"line"`               // the line in the cell, from 1
}

// ExtractNotebook reads an exercise notebook and turns its solution cells (the
// code cells whose metadata carries "d2l": {"section", "file"}) into Go files:
// GoNB magics (%…, !…) are dropped, imports are hoisted to the top and the
// package clause is added. Cells naming the same file are joined in order.
func ExtractNotebook(path string) ([]ExtractedFile, error) {
	b, err := readRegular(path, maxNotebookBytes)
	if err != nil {
		return nil, fmt.Errorf("grader.ExtractNotebook: %w", err)
	}
	return extractNotebook(b)
}

// extractNotebook is ExtractNotebook of a notebook's bytes.
func extractNotebook(b []byte) ([]ExtractedFile, error) {
	nb, err := notebook.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("grader.ExtractNotebook: %w", err)
	}
	var order []string
	bodies := map[string][]string{}
	origin := map[string][]CellLine{} // per file: the first line of each of its cells
	metas := map[string]CellMeta{}
	for i, c := range nb.Cells {
		m, ok := cellMeta(c)
		if c.Type != notebook.Code || !ok || m.Role != "solution" || !sectionDirRE.MatchString(m.Section) ||
			strings.ContainsAny(m.File, `/\`) || !strings.HasSuffix(m.File, ".go") || strings.HasSuffix(m.File, "_test.go") {
			continue
		}
		key := m.Section + "/" + m.File
		if _, ok := bodies[key]; !ok {
			order = append(order, key)
			metas[key] = m
		}
		bodies[key] = append(bodies[key], c.Source)
		origin[key] = append(origin[key], CellLine{Cell: i + 1, Exercise: m.Exercise})
	}
	// GoNB compiles every cell with the imports of all the cells run before it, and
	// goimports adds standard packages and drops unused ones: a file gets the imports
	// its code uses, wherever in the notebook they were written, so that it is graded as
	// %test ran it.
	var all []string
	for _, c := range nb.Cells {
		if c.Type == notebook.Code {
			all = append(all, c.Source)
		}
	}
	known := importsByName(CellsToGo("p", all))
	var out []ExtractedFile
	for _, key := range order {
		m := metas[key]
		src, lines := cellsToGo(m.Section, bodies[key])
		fixed, shift := fixImports(src, known)
		f := ExtractedFile{Section: m.Section, File: m.File, Source: fixed}
		// Line n of fixed is line n-shift of src, for the lines of the cells.
		for n := 1; n <= bytes.Count(fixed, []byte("\n"))+1; n++ {
			var cl CellLine
			if o := n - shift; shift != noShift && o >= 1 && o <= len(lines) && lines[o-1].Cell > 0 {
				at := lines[o-1]
				cl = origin[key][at.Cell-1]
				cl.Line = at.Line
			}
			f.Lines = append(f.Lines, cl)
		}
		out = append(out, f)
	}
	return out, nil
}

// stdImports are the standard packages goimports would add for a cell that uses them.
var stdImports = map[string]string{
	"math": "math", "sort": "sort", "slices": "slices", "strings": "strings", "strconv": "strconv",
	"fmt": "fmt", "errors": "errors", "maps": "maps", "cmp": "cmp",
}

// importsByName returns the import paths of a Go file by the name they are used with.
func importsByName(src []byte) map[string]string {
	f, err := parser.ParseFile(token.NewFileSet(), "cells.go", src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		name := path.Base(p)
		if is.Name != nil {
			name = is.Name.Name
		}
		out[name] = p
	}
	return out
}

// noShift is fixImports's shift when the file's lines were kept as they were.
const noShift = -1 << 30

// fixImports gives a file exactly the imports its code uses: those it lacks are taken
// from known (the notebook's other cells) or the standard library, and unused ones are
// dropped. It also returns how many lines the code moved down (negative: up).
// A file that does not parse is returned as it is (shift 0), for the compiler to report.
func fixImports(src []byte, known map[string]string) ([]byte, int) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", src, parser.ParseComments)
	if err != nil {
		return src, 0
	}
	used := map[string]bool{}
	for _, u := range f.Unresolved {
		used[u.Name] = true
	}
	have := importsByName(src)
	var paths []string
	for name := range used {
		if p, ok := have[name]; ok {
			paths = append(paths, strconv.Quote(p))
		} else if p, ok := known[name]; ok {
			paths = append(paths, strconv.Quote(p))
		} else if p, ok := stdImports[name]; ok {
			paths = append(paths, strconv.Quote(p))
		}
	}
	sort.Strings(paths)
	var body []ast.Decl
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			continue
		}
		body = append(body, d)
	}
	var sb strings.Builder
	sb.WriteString("package " + f.Name.Name + "\n\n")
	if len(paths) > 0 {
		sb.WriteString("import (\n")
		for _, p := range paths {
			sb.WriteString("\t" + p + "\n")
		}
		sb.WriteString(")\n\n")
	}
	shift := noShift
	if len(body) > 0 {
		start := fset.Position(body[0].Pos()).Offset
		if doc := docOf(body[0]); doc != nil {
			start = min(start, fset.Position(doc.Pos()).Offset)
		}
		// start begins a line (a declaration or its doc comment at the line's start).
		shift = strings.Count(sb.String(), "\n") - bytes.Count(src[:start], []byte("\n"))
		sb.Write(src[start:])
	}
	return []byte(sb.String()), shift
}

// docOf is the doc comment of a declaration, or nil.
func docOf(d ast.Decl) *ast.CommentGroup {
	switch x := d.(type) {
	case *ast.FuncDecl:
		return x.Doc
	case *ast.GenDecl:
		return x.Doc
	}
	return nil
}

// ExtractAnswers reads the answer cells of an exercise notebook (Markdown cells whose "d2l"
// metadata has role "answer"): what the student wrote, by exercise id, without the
// placeholder. Cells left as generated are left out.
func ExtractAnswers(path string) (map[string]string, error) {
	b, err := readRegular(path, maxNotebookBytes)
	if err != nil {
		return nil, fmt.Errorf("grader.ExtractAnswers: %w", err)
	}
	return extractAnswers(b)
}

// extractAnswers is ExtractAnswers of a notebook's bytes.
func extractAnswers(b []byte) (map[string]string, error) {
	nb, err := notebook.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("grader.ExtractAnswers: %w", err)
	}
	out := map[string]string{}
	for _, c := range nb.Cells {
		m, ok := cellMeta(c)
		if !ok || m.Role != "answer" || m.Exercise == "" {
			continue
		}
		if a := AnswerFromCell(c.Source); a != "" {
			if out[m.Exercise] != "" {
				a = out[m.Exercise] + "\n\n" + a
			}
			out[m.Exercise] = a
		}
	}
	return out, nil
}

// cellMeta decodes the "d2l" metadata of a cell.
func cellMeta(c *notebook.Cell) (CellMeta, bool) {
	raw, ok := c.Metadata[metaKey]
	if !ok {
		return CellMeta{}, false
	}
	b, _ := json.Marshal(raw)
	var m CellMeta
	if json.Unmarshal(b, &m) != nil {
		return CellMeta{}, false
	}
	return m, true
}

// CellsToGo turns GoNB cell sources into one Go file of package pkg.
func CellsToGo(pkg string, cells []string) []byte {
	src, _ := cellsToGo(pkg, cells)
	return src
}

// cellsToGo is CellsToGo, with where each line of the file came from: for line
// n, lines[n-1] holds the cell (its index in cells, from 1) and the line in it,
// or zeros for a line it wrote.
func cellsToGo(pkg string, cells []string) ([]byte, []CellLine) {
	type line struct {
		text string
		from CellLine
	}
	var imports, body []line
	for ci, src := range cells {
		lines := strings.Split(src, "\n")
		for i := 0; i < len(lines); i++ {
			t := strings.TrimSpace(lines[i])
			from := CellLine{Cell: ci + 1, Line: i + 1}
			switch {
			case strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!"):
			case strings.HasPrefix(t, "package "):
			case strings.HasPrefix(t, "import ("):
				for ; i < len(lines); i++ {
					imports = append(imports, line{lines[i], CellLine{Cell: ci + 1, Line: i + 1}})
					if strings.TrimSpace(lines[i]) == ")" {
						break
					}
				}
			case strings.HasPrefix(t, "import "):
				imports = append(imports, line{lines[i], from})
			default:
				body = append(body, line{lines[i], from})
			}
		}
		body = append(body, line{})
	}
	// The body without its leading and trailing blank lines.
	for len(body) > 0 && strings.TrimSpace(body[0].text) == "" {
		body = body[1:]
	}
	for len(body) > 0 && strings.TrimSpace(body[len(body)-1].text) == "" {
		body = body[:len(body)-1]
	}
	var sb strings.Builder
	var from []CellLine
	add := func(l line) {
		sb.WriteString(l.text + "\n")
		from = append(from, l.from)
	}
	add(line{text: "package " + pkg})
	add(line{})
	for _, l := range imports {
		add(l)
	}
	add(line{})
	for _, l := range body {
		add(l)
	}
	return []byte(sb.String()), from
}

// sectionTitles names the sections for the notebook titles.
var sectionTitles = map[string]string{
	"sec61": "6.1 从全连接层到卷积", "sec62": "6.2 图像卷积", "sec63": "6.3 填充和步幅",
	"sec64": "6.4 多输入多输出通道", "sec65": "6.5 汇聚层", "sec66": "6.6 卷积神经网络（LeNet）",
}

// GeneratedNotebooks returns one GoNB notebook per section (paths relative to
// notebooks/exercises, e.g. "6.3-exercises.ipynb"), built from the generated
// exercise files: the instructions, the preparation cell (prepCell), then per exercise
// its question and (code exercises) an editable solution cell holding the stub, or
// (manual exercises) an answer cell; last a %test cell with the public tests. The
// notebooks need no setup cell: the d2l-go kernel's Go workspace holds the exercises
// module.
// langInfo, when not nil, is the notebooks' language_info: the one the GoNB kernel reports
// (see KernelLanguageInfo), so that Jupyter does not mark them as changed when they open.
func GeneratedNotebooks(cat *Catalog, files map[string][]byte, langInfo map[string]any) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, sec := range cat.Sections() {
		title := sectionTitles[sec]
		num := strings.Fields(title)[0]
		nb := notebook.New(literate.Metadata(title+" 练习", "solutions/"+sec+"/README.md"))
		if langInfo != nil {
			nb.Metadata["language_info"] = langInfo
		}
		prep, err := prepCell(sec, files, cat)
		if err != nil {
			return nil, err
		}
		nb.Cells = append(nb.Cells,
			&notebook.Cell{Type: notebook.Markdown, ID: "intro", Metadata: map[string]any{}, Source: "# " + title + "：练习\n\n" +
				"先运行下面第一个代码单元格（准备）。然后在带 `TODO` 的代码单元格里写出答案（删掉 `panic(\"TODO: …\")`）并运行它；\n" +
				"做完几道都可以运行最后的 `%test` 单元格自查公开测试：它给解答单元格运行过的题评分，其余的题报告“还没运行”。\n" +
				"提交这个笔记本即可：评分程序只读取标记为解答的单元格（元数据 `d2l.role = solution`），另外还会运行隐藏测试。\n" +
				"文字题写在题目下方的「答：」单元格里（双击编辑），由老师人工评分。"},
			&notebook.Cell{Type: notebook.Code, ID: "prep", Source: prep, Metadata: codeMeta(map[string]any{"role": "prep", "section": sec})},
		)
		for _, e := range cat.Exercises {
			if e.Section != sec {
				continue
			}
			kind := "人工评分"
			if e.Kind == KindCode {
				kind = "自动评分"
			}
			nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Markdown, ID: "q-" + safeID(e.ID), Metadata: map[string]any{},
				Source: fmt.Sprintf("## 练习 %s %s（%s，%d 分）\n\n%s", e.ID, e.Title, kind, e.MaxPoints(), e.Question)})
			if e.Kind != KindCode {
				// The answer cell the grader collects for the teacher (AnswerFromCell).
				nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Markdown, ID: "ans-" + safeID(e.ID), Source: answerCell(),
					Metadata: map[string]any{metaKey: map[string]any{"role": "answer", "exercise": e.ID, "section": sec}}})
				continue
			}
			src, ok := files[sec+"/"+e.File]
			if !ok {
				return nil, fmt.Errorf("grader.GeneratedNotebooks: no generated file %s/%s", sec, e.File)
			}
			nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: "a-" + safeID(e.ID), Source: cellBody(string(src)),
				Metadata: codeMeta(map[string]any{"role": "solution", "exercise": e.ID, "section": sec, "file": e.File})})
		}
		test, err := testCell(sec, files, cat)
		if err != nil {
			return nil, err
		}
		nb.Cells = append(nb.Cells, &notebook.Cell{Type: notebook.Code, ID: "test", Source: test,
			Metadata: codeMeta(map[string]any{"role": "test", "section": sec})})
		b, err := nb.Marshal()
		if err != nil {
			return nil, err
		}
		out[num+"-exercises.ipynb"] = b
	}
	return out, nil
}

// codeMeta returns the metadata of a generated code cell with d2l as its "d2l" entry.
func codeMeta(d2l map[string]any) map[string]any {
	m := literate.CodeCellMetadata()
	m[metaKey] = d2l
	return m
}

// prepCell returns the first code cell of a section's exercise notebook. For every code
// exercise it declares what the exercise's file declares, with every function's body replaced
// by a panic with testutil.NotRun(exercise): GoNB keeps the declarations of every cell run,
// and a solution cell run later replaces them with the student's. The %test cell, which calls
// every exercise's functions, then compiles however many solution cells were run, and
// testutil.Catch reports the tests of an exercise whose cell was not run as "not run yet"
// rather than failing to compile for all of them.
func prepCell(sec string, files map[string][]byte, cat *Catalog) (string, error) {
	imports := map[string]string{exercisesPrefix + "testutil": ""} // path -> name ("" = default)
	var decls []string
	for _, e := range cat.Exercises {
		if e.Section != sec || e.Kind != KindCode {
			continue
		}
		src, ok := files[sec+"/"+e.File]
		if !ok {
			return "", fmt.Errorf("grader.GeneratedNotebooks: no generated file %s/%s", sec, e.File)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, e.File, src, parser.SkipObjectResolution)
		if err != nil {
			return "", fmt.Errorf("grader.GeneratedNotebooks: %w", err)
		}
		text := func(from, to token.Pos) string {
			return string(src[fset.Position(from).Offset:fset.Position(to).Offset])
		}
		for _, is := range f.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			imports[p] = ""
			if is.Name != nil {
				imports[p] = is.Name.Name
			}
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Body == nil {
					continue
				}
				// The body on lines of its own: gofmt would keep a short function on one
				// line and align the bodies of consecutive ones, which can make a line
				// wider than Jupyter's code box.
				decls = append(decls, text(d.Pos(), d.Body.Lbrace)+
					"{\n\tpanic(testutil.NotRun("+strconv.Quote(e.ID)+"))\n}")
			case *ast.GenDecl:
				if d.Tok != token.IMPORT {
					decls = append(decls, text(d.Pos(), d.End()))
				}
			}
		}
	}
	var sb strings.Builder
	sb.WriteString("package " + sec + "\n\nimport (\n")
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		sb.WriteString("\t" + strings.TrimSpace(imports[p]+" "+strconv.Quote(p)) + "\n")
	}
	sb.WriteString(")\n\n" + strings.Join(decls, "\n\n") + "\n")
	out, err := dropUnusedImports([]byte(sb.String()))
	if err != nil {
		return "", fmt.Errorf("grader.GeneratedNotebooks: %s preparation cell: %w", sec, err)
	}
	return "// 准备：先运行这一格。它给每道代码题放一个占位函数，运行哪道题的解答单元格，\n" +
		"// 那道题的函数就换成你写的；最后的 %test 给运行过的题评分，其余的报告“还没运行”。\n" +
		cellBody(string(out)), nil
}

// KernelLanguageInfo returns the language_info that the GoNB kernel reported when the
// section notebooks in dir (notebooks/) were last executed (nbconvert stores it), or nil
// when none has one.
func KernelLanguageInfo(dir string) map[string]any {
	paths, _ := filepath.Glob(filepath.Join(dir, "6.*.ipynb"))
	for _, p := range paths {
		nb, err := notebook.ReadFile(p)
		if err != nil {
			continue
		}
		if li, ok := nb.Metadata["language_info"].(map[string]any); ok && li["version"] != nil {
			return li
		}
	}
	return nil
}

// cellBody drops the package clause (and the blank lines after it) of a Go file.
func cellBody(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "package ") {
			return strings.TrimSpace(strings.Join(lines[i+1:], "\n"))
		}
	}
	return strings.TrimSpace(src)
}

// testCell merges the public test files of a section into one %test cell:
// one import block, then every declaration. The test files are external test
// packages (package sec65_test calling sec65.MinPool2D); in the notebook the
// solution cells are the package itself, so the cell calls MinPool2D.
//
// The cell ends with a TestMain (testutil.NotebookMain) that runs the tests quietly (a
// failing test still prints why) and then prints one line per exercise of the section in the
// book's order with its public points (testutil.Summary; every public test defers
// testutil.Catch, so an unfinished stub fails only its own tests, and an exercise whose
// solution cell was not run is "not run yet"), and what is left for grading: hidden tests and
// manual items. The summary is the cell's result: the program exits 0, so that GoNB adds no
// "exit status" after it.
func testCell(sec string, files map[string][]byte, cat *Catalog) (string, error) {
	var names []string
	for k := range files {
		if strings.HasPrefix(k, sec+"/") && strings.HasSuffix(k, "_test.go") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	imports := map[string]bool{}
	var bodies []string
	for _, n := range names {
		src, err := inSectionPackage(filepath.Base(n), files[n], exercisesPrefix+sec)
		if err != nil {
			return "", fmt.Errorf("grader.GeneratedNotebooks: %w", err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Base(n), src, parser.ImportsOnly)
		if err != nil {
			return "", fmt.Errorf("grader.GeneratedNotebooks: %w", err)
		}
		for _, is := range f.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			imports[p] = true
		}
		end := 0
		if len(f.Decls) > 0 {
			end = int(f.Decls[len(f.Decls)-1].End()) - 1
		} else {
			end = int(f.Name.End()) - 1
		}
		bodies = append(bodies, strings.TrimSpace(src[end:]))
	}
	var items strings.Builder
	hidden, hiddenPoints, manual, manualPoints := 0, 0, 0, 0
	for _, e := range cat.Exercises {
		if e.Section != sec {
			continue
		}
		if e.Kind != KindCode {
			manual++
			manualPoints += e.MaxPoints()
			continue
		}
		for _, t := range e.Public {
			fmt.Fprintf(&items, "\t\t{Exercise: %q, Test: %q, Points: %d},\n", e.ID, t.Name, t.Points)
		}
		for _, t := range e.Hidden {
			hidden++
			hiddenPoints += t.Points
		}
		hidden += e.HiddenCount
		hiddenPoints += e.HiddenPoints
	}
	note := fmt.Sprintf("评分时另有 %d 个隐藏测试（共 %d 分）和 %d 道人工评分题（共 %d 分）。", hidden, hiddenPoints, manual, manualPoints)
	imports["testing"], imports[exercisesPrefix+"testutil"] = true, true
	var paths []string
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var sb strings.Builder
	sb.WriteString("%test\n\nimport (\n")
	for _, p := range paths {
		sb.WriteString("\t" + strconv.Quote(p) + "\n")
	}
	sb.WriteString(")\n\n" + strings.Join(bodies, "\n\n"))
	sb.WriteString("\n\n// TestMain runs the tests above, then prints the result of each exercise and its points.\n" +
		"func TestMain(m *testing.M) {\n\ttestutil.NotebookMain(m, []testutil.Item{\n" + items.String() +
		"\t}, " + strconv.Quote(note) + ")\n}\n")
	return sb.String(), nil
}

// inSectionPackage rewrites an external test file of the section package pkg
// (an import path) as if it were in that package: the import of pkg goes, and
// every selector on its name ("sec65.MinPool2D") loses the qualifier.
func inSectionPackage(name string, src []byte, pkg string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	local := ""
	var cut [][2]int // byte ranges to remove
	for _, is := range f.Imports {
		if p, _ := strconv.Unquote(is.Path.Value); p == pkg {
			local = path.Base(pkg)
			if is.Name != nil {
				local = is.Name.Name
			}
			cut = append(cut, [2]int{fset.Position(is.Pos()).Offset, fset.Position(is.End()).Offset})
		}
	}
	if local == "" {
		return string(src), nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && id.Obj == nil {
				cut = append(cut, [2]int{fset.Position(id.Pos()).Offset, fset.Position(sel.Sel.Pos()).Offset})
			}
		}
		return true
	})
	sort.Slice(cut, func(i, j int) bool { return cut[i][0] > cut[j][0] })
	out := append([]byte(nil), src...)
	for _, c := range cut {
		out = append(out[:c[0]], out[c[1]:]...)
	}
	b, err := format.Source(out)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return string(b), nil
}
