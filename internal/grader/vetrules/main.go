// Command vetrules is the analysis the grader runs through `go vet -vettool`
// inside the sandbox of a submission's build, where type information comes
// from the build itself and no student file is type-checked in the grader's
// own process; with -cacheprog TRUSTED PRIVATE it is also that build's cache
// (cacheprog.go). It uses the standard library only: the grader embeds its
// files and builds it with the caller's Go.
//
// With the grader's config (JSON, see config; the file D2L_VETRULES_CONFIG
// names) it checks, for each package the config names:
//
//   - rules: every use of a forbidden object (a builtin such as max, a package
//     function such as grid.Pool2D or math.Max, a method) in any function,
//     method, variable or constant reachable from the declarations of an
//     exercise's file: through calls, function and method values, closures,
//     other files, dot imports, generic instantiations, package variables and
//     struct fields (which connect everything that touches them), interface
//     methods (every method of that name), and the methods of every type it
//     names. Objects are compared by identity, so a shadowing declaration never
//     hides a builtin and renaming an import hides nothing.
//   - tests (an external test package secNN_test): every use of the section's
//     package is a function or type declared in an exercise file (never a
//     variable or constant the student's code could set), and no hidden test
//     file uses anything a public test file declares.
//
// Findings are written as JSON lines ({"pkg", "kind", "exercise", "file", "line",
// "msg"}) to the stdout file go vet gives the tool, which the go command prints
// on its standard output (and caches with the result); a package checked
// without finding gets {"kind": "checked"}. The tool exits 0 unless it could not
// do its work.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// version names this tool for go vet's cache (go vet -V=full); the grader
// builds it with the hash of its source as the version, so that a change of the
// rules never reuses an old result.
var version = "dev"

func main() {
	// go vet calls the tool with -V=full (its version, for the cache), -flags
	// (its flags, as JSON) and then once per package with the flags and the
	// package's config file; it may add flags of its own (-json): they are
	// ignored. The grader's config comes in the environment
	// (D2L_VETRULES_CONFIG), since go vet keys its cache by the flags: the
	// flag -rules is a digest of the catalog's rules, the same for every
	// submission of a run, so that the results of the dependencies (and of a
	// package exactly the reference's) come from the cache.
	if len(os.Args) == 4 && os.Args[1] == "-cacheprog" {
		if err := cacheProg(os.Args[2], os.Args[3], os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "vetrules -cacheprog:", err)
			os.Exit(1)
		}
		return
	}
	var vetCfg string
	cfgPath := os.Getenv("D2L_VETRULES_CONFIG")
	for _, a := range os.Args[1:] {
		switch {
		case strings.HasPrefix(a, "-V="):
			fmt.Printf("vetrules version %s\n", version)
			return
		case a == "-flags":
			fmt.Println(`[{"Name":"rules","Bool":false,"Usage":"a digest of the catalog's rules (for go vet's cache)"}]`)
			return
		case strings.HasSuffix(a, ".cfg"):
			vetCfg = a
		}
	}
	if cfgPath == "" || vetCfg == "" {
		fmt.Fprintln(os.Stderr, "usage: D2L_VETRULES_CONFIG=FILE go vet -vettool=vetrules -rules=DIGEST packages")
		os.Exit(2)
	}
	if err := run(cfgPath, vetCfg); err != nil {
		fmt.Fprintln(os.Stderr, "vetrules:", err)
		os.Exit(1)
	}
}

// vetConfig is the part of go vet's per-package configuration the tool reads.
type vetConfig struct {
	ImportPath  string
	GoFiles     []string
	ImportMap   map[string]string
	PackageFile map[string]string
	VetxOnly    bool
	VetxOutput  string
	Stdout      string
	GoVersion   string
}

// config is the grader's configuration of one go vet run.
type config struct {
	// Packages maps an import path to the exercises whose rules are checked there.
	Packages map[string][]Exercise `json:"packages,omitempty"`
	// Tests maps the import path of an external test package (".../sec65_test")
	// to what its test files may use of the section's package.
	Tests map[string]TestRule `json:"tests,omitempty"`
}

// Exercise is one exercise whose rules are checked.
type Exercise struct {
	ID     string   `json:"id"`
	File   string   `json:"file"`   // its file (base name) in the package
	Forbid []string `json:"forbid"` // "max", "grid.Pool2D", "d2l.Sequential.Forward", ...
}

// TestRule says what the test files of one external test package may use.
type TestRule struct {
	Section       string   `json:"section"`        // import path of the section's package
	ExerciseFiles []string `json:"exercise_files"` // base names of its exercise files
	HiddenFiles   []string `json:"hidden_files"`   // base names of the hidden test files
}

// Finding is one line of the tool's output.
type Finding struct {
	Pkg      string `json:"pkg"`
	Kind     string `json:"kind"` // "violation", "test", "checked"
	Exercise string `json:"exercise,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Msg      string `json:"msg,omitempty"`
}

func run(cfgPath, vetCfgPath string) error {
	var vc vetConfig
	if err := readJSON(vetCfgPath, &vc); err != nil {
		return err
	}
	if vc.VetxOutput != "" {
		if err := os.WriteFile(vc.VetxOutput, nil, 0o644); err != nil {
			return err
		}
	}
	if vc.VetxOnly {
		return nil // a dependency: no facts to compute
	}
	var cfg config
	if err := readJSON(cfgPath, &cfg); err != nil {
		return err
	}
	rules, hasRules := cfg.Packages[vc.ImportPath]
	testRule, hasTests := cfg.Tests[vc.ImportPath]
	if !hasRules && !hasTests || strings.Contains(vc.ImportPath, " [") {
		return nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range vc.GoFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	imp := importer.ForCompiler(fset, "gc", func(p string) (io.ReadCloser, error) {
		if q, ok := vc.ImportMap[p]; ok {
			p = q
		}
		file, ok := vc.PackageFile[p]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", p)
		}
		return os.Open(file)
	})
	info := &types.Info{
		Uses:       map[*ast.Ident]types.Object{},
		Defs:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	var typeErrs []error
	tc := &types.Config{Importer: imp, GoVersion: vc.GoVersion, Error: func(err error) { typeErrs = append(typeErrs, err) }}
	pkg, _ := tc.Check(vc.ImportPath, fset, files, info)
	if len(typeErrs) > 0 {
		// go vet runs only on packages that compiled: this is the tool's own failure.
		return fmt.Errorf("%s does not type-check: %v", vc.ImportPath, typeErrs[0])
	}
	var out []Finding
	if hasRules {
		out = append(out, CheckRules(fset, files, pkg, info, rules)...)
	}
	if hasTests {
		out = append(out, CheckTests(fset, files, info, testRule)...)
	}
	if len(out) == 0 {
		out = append(out, Finding{Kind: "checked"})
	}
	var sb strings.Builder
	for _, f := range out {
		f.Pkg = vc.ImportPath
		b, _ := json.Marshal(f)
		sb.Write(append(b, '\n'))
	}
	if vc.Stdout == "" {
		_, err := os.Stdout.WriteString(sb.String())
		return err
	}
	return os.WriteFile(vc.Stdout, []byte(sb.String()), 0o644)
}

func readJSON(p string, v any) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// node is a declaration of the package: a function, a method, a package
// variable or constant, a type, a struct field, or an init function.
type node struct {
	name  string
	decls []ast.Node // the syntax that belongs to it (for a variable: its spec)
	edges map[*node]bool
}

// graph is the reference graph of one package.
type graph struct {
	fset     *token.FileSet
	nodes    []*node
	pkg      *types.Package
	info     *types.Info
	byObj    map[types.Object]*node
	methods  map[string][]*node // method name -> the package's methods of that name
	typeMeth map[*types.TypeName][]*node
}

func (g *graph) nodeOf(obj types.Object, name string) *node {
	if n := g.byObj[obj]; n != nil {
		return n
	}
	n := &node{name: name, edges: map[*node]bool{}}
	g.byObj[obj] = n
	g.nodes = append(g.nodes, n)
	return n
}

// origin is the generic declaration behind an instantiated object.
func origin(obj types.Object) types.Object {
	switch o := obj.(type) {
	case *types.Func:
		return o.Origin()
	case *types.Var:
		return o.Origin()
	}
	return obj
}

// local reports whether obj is declared in the package at package level (or is
// a method or field of one of its types).
func (g *graph) local(obj types.Object) bool {
	return obj != nil && obj.Pkg() == g.pkg
}

// buildGraph makes a node of every top-level declaration of the files and the
// edges of every reference between them. It returns the graph and the nodes
// declared in each file (by base name).
func buildGraph(fset *token.FileSet, files []*ast.File, pkg *types.Package, info *types.Info) (*graph, map[string][]*node) {
	g := &graph{fset: fset, pkg: pkg, info: info, byObj: map[types.Object]*node{}, methods: map[string][]*node{}, typeMeth: map[*types.TypeName][]*node{}}
	byFile := map[string][]*node{}
	for _, f := range files {
		file := filepath.Base(fset.Position(f.Package).Filename)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				var n *node
				if obj := info.Defs[d.Name]; obj != nil && d.Name.Name != "init" {
					n = g.nodeOf(obj, d.Name.Name)
					if tn := recvType(obj); d.Recv != nil && tn != nil {
						n.name = tn.Name() + "." + d.Name.Name
						g.typeMeth[tn] = append(g.typeMeth[tn], n)
					}
					if d.Recv != nil {
						g.methods[d.Name.Name] = append(g.methods[d.Name.Name], n)
					}
				} else {
					n = &node{name: d.Name.Name, edges: map[*node]bool{}}
					g.nodes = append(g.nodes, n)
				}
				n.decls = append(n.decls, d)
				byFile[file] = append(byFile[file], n)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						for _, id := range s.Names {
							if obj := info.Defs[id]; obj != nil {
								n := g.nodeOf(obj, id.Name)
								n.decls = append(n.decls, s)
								byFile[file] = append(byFile[file], n)
							}
						}
					case *ast.TypeSpec:
						if obj := info.Defs[s.Name]; obj != nil {
							n := g.nodeOf(obj, s.Name.Name)
							n.decls = append(n.decls, s)
							byFile[file] = append(byFile[file], n)
						}
					}
				}
			}
		}
	}
	// Edges: every reference from a declaration's syntax to another local object.
	for _, n := range slices.Clone(g.nodes) {
		for _, d := range n.decls {
			g.addEdges(n, d)
		}
	}
	return g, byFile
}

// recvType is the named type of a method's receiver.
func recvType(obj types.Object) *types.TypeName {
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if nt, ok := t.(*types.Named); ok {
		return nt.Origin().Obj()
	}
	return nil
}

// addEdges adds the references of the syntax d, which belongs to n.
func (g *graph) addEdges(n *node, d ast.Node) {
	link := func(m *node) {
		if m != nil && m != n {
			n.edges[m] = true
		}
	}
	ast.Inspect(d, func(x ast.Node) bool {
		id, ok := x.(*ast.Ident)
		if !ok {
			return true
		}
		obj := g.info.Uses[id]
		if obj == nil {
			obj = g.info.Defs[id] // a field declared here, a method's own name
		}
		if obj == nil {
			return true
		}
		obj = origin(obj)
		switch o := obj.(type) {
		case *types.Func:
			sig, _ := o.Type().(*types.Signature)
			if sig != nil && sig.Recv() != nil {
				if _, isIface := sig.Recv().Type().Underlying().(*types.Interface); isIface {
					// An interface method: any method of that name may run.
					for _, m := range g.methods[o.Name()] {
						link(m)
					}
					return true
				}
			}
			if g.local(o) {
				link(g.byObj[o])
			}
		case *types.Var:
			if g.local(o) && (o.IsField() || o.Parent() == g.pkg.Scope()) {
				// Variables and fields connect everything that touches them.
				v := g.nodeOf(o, o.Name())
				link(v)
				v.edges[n] = true
			}
		case *types.Const:
			if g.local(o) && o.Parent() == g.pkg.Scope() {
				link(g.byObj[o])
			}
		case *types.TypeName:
			if g.local(o) {
				link(g.byObj[o])
				for _, m := range g.typeMeth[o] {
					link(m)
				}
			}
		}
		return true
	})
}

// forbiddenName is how a forbid list names obj, or "" for an object no list
// can name: "max" (a builtin), "grid.Pool2D" (a package function, by the last
// element of its package path), "d2l.Sequential.Forward" (a method).
func forbiddenName(obj types.Object) string {
	switch o := obj.(type) {
	case *types.Builtin:
		return o.Name()
	case *types.Func:
		if o.Pkg() == nil {
			return o.Name()
		}
		base := path.Base(o.Pkg().Path())
		if tn := recvType(o); tn != nil {
			return base + "." + tn.Name() + "." + o.Name()
		}
		return base + "." + o.Name()
	}
	return ""
}

// CheckRules returns the violations of every exercise's forbid list in the package.
func CheckRules(fset *token.FileSet, files []*ast.File, pkg *types.Package, info *types.Info, rules []Exercise) []Finding {
	_, byFile := buildGraph(fset, files, pkg, info)
	var out []Finding
	for _, ex := range rules {
		if len(ex.Forbid) == 0 {
			continue
		}
		// Breadth-first from the exercise file's declarations, keeping the way back.
		parent := map[*node]*node{}
		var queue []*node
		for _, n := range byFile[ex.File] {
			if _, seen := parent[n]; !seen {
				parent[n] = nil
				queue = append(queue, n)
			}
		}
		type use struct {
			name string
			pos  token.Position
			via  *node
		}
		var uses []use
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, d := range n.decls {
				ast.Inspect(d, func(x ast.Node) bool {
					id, ok := x.(*ast.Ident)
					if !ok {
						return true
					}
					obj := info.Uses[id]
					if obj == nil {
						return true
					}
					if name := forbiddenName(origin(obj)); name != "" && slices.Contains(ex.Forbid, name) {
						uses = append(uses, use{name, fset.Position(id.Pos()), n})
					}
					return true
				})
			}
			next := make([]*node, 0, len(n.edges))
			for m := range n.edges {
				next = append(next, m)
			}
			sort.Slice(next, func(i, j int) bool { return next[i].name < next[j].name })
			for _, m := range next {
				if _, seen := parent[m]; !seen {
					parent[m] = n
					queue = append(queue, m)
				}
			}
		}
		sort.SliceStable(uses, func(i, j int) bool {
			a, b := uses[i].pos, uses[j].pos
			return a.Filename < b.Filename || a.Filename == b.Filename && a.Offset < b.Offset
		})
		for i, u := range uses {
			if i == 3 {
				break
			}
			var chain []string
			for m := u.via; m != nil; m = parent[m] {
				chain = append([]string{m.name}, chain...)
			}
			msg := fmt.Sprintf("uses %s, which exercise %s does not allow (not allowed there: %s)", u.name, ex.ID, strings.Join(ex.Forbid, ", "))
			if len(chain) > 1 {
				msg += "; reached through " + strings.Join(chain, " → ")
			}
			out = append(out, Finding{Kind: "violation", Exercise: ex.ID, File: filepath.Base(u.pos.Filename), Line: u.pos.Line, Msg: msg})
		}
	}
	return out
}

// CheckTests returns what the test files of an external test package use that
// they must not.
func CheckTests(fset *token.FileSet, files []*ast.File, info *types.Info, rule TestRule) []Finding {
	var out []Finding
	publicDecl := map[types.Object]string{} // objects declared in public test files -> file
	hidden := map[string]bool{}
	for _, h := range rule.HiddenFiles {
		hidden[h] = true
	}
	for _, f := range files {
		file := filepath.Base(fset.Position(f.Package).Filename)
		if hidden[file] {
			continue
		}
		for id, obj := range info.Defs {
			if obj != nil && fset.Position(id.Pos()).Filename == fset.Position(f.Package).Filename && obj.Parent() == obj.Pkg().Scope() {
				publicDecl[obj] = file
			}
		}
	}
	for _, f := range files {
		file := filepath.Base(fset.Position(f.Package).Filename)
		if strings.HasPrefix(file, "zz_d2l_grader_") {
			continue // the grader's harness
		}
		for _, is := range f.Imports {
			if is.Name != nil && is.Name.Name == "." && strings.Trim(is.Path.Value, `"`) == rule.Section {
				out = append(out, Finding{Kind: "test", File: file, Line: fset.Position(is.Pos()).Line, Msg: "dot import of the student's package"})
			}
		}
		ast.Inspect(f, func(x ast.Node) bool {
			id, ok := x.(*ast.Ident)
			if !ok {
				return true
			}
			obj := info.Uses[id]
			if obj == nil {
				return true
			}
			pos := fset.Position(id.Pos())
			if obj.Pkg() != nil && obj.Pkg().Path() == rule.Section && obj.Parent() == obj.Pkg().Scope() {
				declFile := filepath.Base(fset.Position(obj.Pos()).Filename)
				_, isFunc := obj.(*types.Func)
				_, isType := obj.(*types.TypeName)
				switch {
				case !isFunc && !isType:
					out = append(out, Finding{Kind: "test", File: file, Line: pos.Line,
						Msg: fmt.Sprintf("reads %s, a %s of the student's package (the student's code can set it): compute expected values in the test", obj.Name(), kindOf(obj))})
				case obj.Pos().IsValid() && !slices.Contains(rule.ExerciseFiles, declFile):
					out = append(out, Finding{Kind: "test", File: file, Line: pos.Line,
						Msg: fmt.Sprintf("uses %s, declared in %s, which is not an exercise file of the section", obj.Name(), declFile)})
				}
			}
			if hidden[file] {
				if from, ok := publicDecl[obj]; ok {
					out = append(out, Finding{Kind: "test", File: file, Line: pos.Line,
						Msg: fmt.Sprintf("a hidden test uses %s, which the public test file %s declares: hidden tests declare what they use", obj.Name(), from)})
				}
			}
			return true
		})
	}
	return out
}

func kindOf(obj types.Object) string {
	switch obj.(type) {
	case *types.Var:
		return "variable"
	case *types.Const:
		return "constant"
	}
	return "declaration"
}
