package literate_test

import (
	"fmt"

	"github.com/d2l-go/d2l-go/internal/literate"
)

// A source with one prose paragraph and one Go cell with its expected output becomes a
// notebook of two cells: the prose and the Go cell, each with an id that hashes its text.
func ExampleParse() {
	src := "# 6.0 示例\n\n```go\n%%\nfmt.Println(19 + 25)\n```\n```output\n44\n```\n"
	doc, err := literate.Parse("6.0-demo", []byte(src))
	if err != nil {
		panic(err)
	}
	fmt.Println("title:", doc.Title)
	for _, c := range doc.Cells {
		fmt.Printf("%s at line %d: %q expects %q\n", c.Kind, c.Line, c.Source, c.Expect.Stdout)
	}
	for _, c := range doc.Notebook(literate.Options{}).Cells {
		fmt.Printf("%s cell %s\n", c.Type, c.ID)
	}
	// Output:
	// title: 6.0 示例
	// markdown at line 1: "# 6.0 示例" expects ""
	// code at line 3: "%%\nfmt.Println(19 + 25)" expects "44\n"
	// markdown cell m-5724afa89f
	// code cell c-0ceffffe3a
}
