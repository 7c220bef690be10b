package grader

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"strings"
)

// CheckRules reports, for a student's file of exercise id, the first use of something the
// question forbids (forbid: builtins such as "max", package functions such as
// "grid.Pool2D" or "math.Max"), as "max_relu.go:12: uses max, which exercise 6.5-2 does
// not allow (...)", or "" when there is none. Package names are matched by import path, so
// renaming an import does not hide a call; a builtin shadowed by a local name is not one.
func CheckRules(name string, src []byte, id string, forbid []string) string {
	if len(forbid) == 0 {
		return ""
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return "" // the compiler reports it
	}
	// Local name of each imported package -> its last path element ("grid", "math").
	pkgOf := map[string]string{}
	for local, p := range importsByName(src) {
		pkgOf[local] = path.Base(p)
	}
	declared := map[string]bool{} // names the file declares (they shadow builtins)
	ast.Inspect(f, func(n ast.Node) bool {
		switch d := n.(type) {
		case *ast.FuncDecl:
			declared[d.Name.Name] = true
		case *ast.ValueSpec:
			for _, id := range d.Names {
				declared[id.Name] = true
			}
		case *ast.AssignStmt:
			if d.Tok == token.DEFINE {
				for _, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.Field:
			for _, id := range d.Names {
				declared[id.Name] = true
			}
		}
		return true
	})
	why := ""
	ast.Inspect(f, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		var used string
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				if pkg, ok := pkgOf[id.Name]; ok {
					used = pkg + "." + x.Sel.Name
				}
			}
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && !declared[id.Name] {
				used = id.Name
			}
		}
		if used != "" && slices.Contains(forbid, used) {
			why = fmt.Sprintf("%s:%d: uses %s, which exercise %s does not allow (not allowed there: %s)",
				name, fset.Position(n.Pos()).Line, used, id, strings.Join(forbid, ", "))
		}
		return true
	})
	return why
}
