package main

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gridSrc stands for the exercises' grid package.
const gridSrc = `package grid

func Pool2D(X [][]float32, ph, pw int, mode string) [][]float32 { return X }
func Corr2D(X, K [][]float32) [][]float32 { return X }

type Pooler struct{}

func (Pooler) Pool(X [][]float32) [][]float32 { return X }
`

// importers type-checks the fake grid package and imports the standard
// library from source.
type importers struct {
	fset *token.FileSet
	std  types.Importer
	pkgs map[string]*types.Package
}

func (im *importers) Import(p string) (*types.Package, error) {
	if pkg, ok := im.pkgs[p]; ok {
		return pkg, nil
	}
	return im.std.Import(p)
}

func newImporters(t *testing.T) *importers {
	fset := token.NewFileSet()
	im := &importers{fset: fset, std: importer.ForCompiler(fset, "source", nil), pkgs: map[string]*types.Package{}}
	f, err := parser.ParseFile(fset, "grid.go", gridSrc, 0)
	require.NoError(t, err)
	pkg, err := (&types.Config{Importer: im}).Check("example.com/ex/grid", fset, []*ast.File{f}, nil)
	require.NoError(t, err)
	im.pkgs["example.com/ex/grid"] = pkg
	return im
}

// check type-checks a package of the given files (name -> source) and returns
// the files, the package and its info.
func check(t *testing.T, im *importers, path string, srcs map[string]string) ([]*ast.File, *types.Package, *types.Info) {
	t.Helper()
	var files []*ast.File
	for name, src := range srcs {
		f, err := parser.ParseFile(im.fset, name, src, parser.ParseComments)
		require.NoError(t, err, name)
		files = append(files, f)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	pkg, err := (&types.Config{Importer: im}).Check(path, im.fset, files, info)
	require.NoError(t, err)
	return files, pkg, info
}

// TestCheckRules: every way of reaching a forbidden object from an exercise's
// file is found, and what the exercise cannot reach, or what only looks like a
// forbidden object, is not.
func TestCheckRules(t *testing.T) {
	const head = "package sec65\n\nimport (\n\t\"math\"\n\t\"example.com/ex/grid\"\n)\n\nvar _ = math.Pi\nvar _ = grid.Corr2D\n\n"
	forbid := []string{"grid.Pool2D", "max", "min", "math.Max", "grid.Pooler.Pool"}
	for _, c := range []struct {
		name     string
		exercise string // the exercise's file, min_pool.go
		other    string // another file of the package, helpers.go
		says     string // "" when no violation
	}{
		{"plain call", "func MinPool(X [][]float32) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") }", "", "uses grid.Pool2D"},
		{"builtin", "func M(a, b float32) float32 { return max(a, b) }", "", "uses max"},
		{"builtin shadowed elsewhere", "func M(a, b float32) float32 { return max(a, b) }",
			"func unused() { max := 1; _ = max }\nfunc min(a int) int { return a }", "uses max"},
		{"own function named like a builtin", "func M(a, b float32) float32 { return float32(min(int(a))) }",
			"func min(a int) int { return a }", ""},
		{"dot import", "", "", ""}, // replaced below
		{"renamed import", "", "", ""},
		{"helper in another file", "func MinPool(X [][]float32) [][]float32 { return helper(X) }",
			"func helper(X [][]float32) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") }", "reached through MinPool → helper"},
		{"unreached helper", "func MinPool(X [][]float32) [][]float32 { return X }",
			"func helper(X [][]float32) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") }", ""},
		{"function value in a variable", "func MinPool(X [][]float32) [][]float32 { return pool(X, 1, 1, \"max\") }",
			"var pool = grid.Pool2D", "uses grid.Pool2D"},
		{"set by init", "func MinPool(X [][]float32) [][]float32 { return pool(X, 1, 1, \"max\") }",
			"var pool func([][]float32, int, int, string) [][]float32\nfunc init() { pool = grid.Pool2D }", "uses grid.Pool2D"},
		{"struct field", "func MinPool(X [][]float32) [][]float32 { return box.f(X) }",
			"type holder struct{ f func([][]float32) [][]float32 }\nvar box holder\nfunc setup() { box.f = func(X [][]float32) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") } }",
			"uses grid.Pool2D"},
		{"method value", "func MinPool(X [][]float32) [][]float32 { f := T{}.M; return f(X) }",
			"type T struct{}\nfunc (T) M(X [][]float32) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") }", "uses grid.Pool2D"},
		{"interface method", "type I interface{ M([][]float32) [][]float32 }\nfunc MinPool(i I, X [][]float32) [][]float32 { return i.M(X) }",
			"type T struct{}\nfunc (T) M(X [][]float32) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") }", "uses grid.Pool2D"},
		{"generic", "func MinPool(X [][]float32) [][]float32 { return apply[int](X, 0) }",
			"func apply[T any](X [][]float32, _ T) [][]float32 { return grid.Pool2D(X, 1, 1, \"max\") }", "uses grid.Pool2D"},
		{"closure", "func M(a, b float64) float64 { f := func() float64 { return math.Max(a, b) }; return f() }", "", "uses math.Max"},
		{"forbidden method", "func MinPool(X [][]float32) [][]float32 { var p grid.Pooler; return p.Pool(X) }", "", "uses grid.Pooler.Pool"},
		{"constant", "const n = max(1, 2)", "", "uses max"},
	} {
		t.Run(c.name, func(t *testing.T) {
			im := newImporters(t)
			ex := head + c.exercise
			switch c.name {
			case "dot import":
				ex = "package sec65\n\nimport . \"math\"\n\nfunc M(a, b float64) float64 { return Max(a, b) }\n"
				c.says = "uses math.Max"
			case "renamed import":
				ex = "package sec65\n\nimport m \"example.com/ex/grid\"\n\nfunc MinPool(X [][]float32) [][]float32 { return m.Pool2D(X, 1, 1, \"max\") }\n"
				c.says = "uses grid.Pool2D"
			}
			srcs := map[string]string{"min_pool.go": ex}
			if c.other != "" {
				srcs["helpers.go"] = head + c.other
			}
			files, pkg, info := check(t, im, "example.com/ex/sec65", srcs)
			got := CheckRules(im.fset, files, pkg, info, []Exercise{{ID: "6.5-5", File: "min_pool.go", Forbid: forbid}})
			if c.says == "" {
				assert.Empty(t, got)
				return
			}
			require.NotEmpty(t, got, "no violation found")
			assert.Equal(t, "6.5-5", got[0].Exercise)
			assert.Contains(t, got[0].Msg, c.says)
			assert.Contains(t, got[0].Msg, "exercise 6.5-5 does not allow")
		})
	}
}

// TestCheckTests: a test reading a variable of the student's package, using a
// function outside the exercise files, or a hidden test using what a public
// test declares, is reported; calling an exercise's function is not.
func TestCheckTests(t *testing.T) {
	im := newImporters(t)
	_, sec, _ := check(t, im, "example.com/ex/sec65", map[string]string{
		"min_pool.go": "package sec65\n\nvar Want = 3\n\nconst Size = 2\n\ntype Cost struct{ N int }\n\nfunc MinPool() int { return 1 }\n",
		"doc.go":      "package sec65\n\nfunc Given() int { return 2 }\n",
	})
	im.pkgs["example.com/ex/sec65"] = sec
	rule := TestRule{Section: "example.com/ex/sec65", ExerciseFiles: []string{"min_pool.go"}, HiddenFiles: []string{"x_hidden_test.go"}}
	public := "package sec65_test\n\nimport \"example.com/ex/sec65\"\n\nfunc bookX() int { return 1 }\n\nfunc ok() { _ = sec65.MinPool(); _ = sec65.Cost{N: 1} }\n"
	for _, c := range []struct {
		name, file, src, says string
	}{
		{"exercise function and type", "b_test.go", "package sec65_test\n\nimport \"example.com/ex/sec65\"\n\nfunc f() { _ = sec65.MinPool() + bookX() }\n", ""},
		{"variable", "b_test.go", "package sec65_test\n\nimport \"example.com/ex/sec65\"\n\nfunc f() { _ = sec65.Want }\n", "reads Want, a variable"},
		{"constant", "b_test.go", "package sec65_test\n\nimport \"example.com/ex/sec65\"\n\nfunc f() { _ = sec65.Size }\n", "reads Size, a constant"},
		{"not an exercise file", "b_test.go", "package sec65_test\n\nimport \"example.com/ex/sec65\"\n\nfunc f() { _ = sec65.Given() }\n", "declared in doc.go"},
		{"hidden uses public", "x_hidden_test.go", "package sec65_test\n\nimport \"example.com/ex/sec65\"\n\nfunc g() { _ = sec65.MinPool() + bookX() }\n", "a hidden test uses bookX"},
		{"dot import", "b_test.go", "package sec65_test\n\nimport . \"example.com/ex/sec65\"\n\nfunc f() { _ = MinPool() }\n", "dot import"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files, _, info := check(t, im, "example.com/ex/sec65_test", map[string]string{"a_test.go": public, c.file: c.src})
			got := CheckTests(im.fset, files, info, rule)
			if c.says == "" {
				assert.Empty(t, got)
				return
			}
			require.NotEmpty(t, got)
			assert.Contains(t, fmt.Sprint(got), c.says)
			assert.True(t, strings.HasSuffix(got[0].File, "_test.go"))
		})
	}
}
