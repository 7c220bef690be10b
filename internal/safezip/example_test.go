package safezip_test

import (
	"fmt"

	"github.com/d2l-go/d2l-go/internal/safezip"
)

// Names inside an archive are cleaned, or refused with the reason.
func ExampleCleanName() {
	for _, name := range []string{"exercises/./sec63/out_shape.go", "../../etc/passwd", "/abs.go", `dir\x.go`} {
		clean, why := safezip.CleanName(name, 6)
		if why != "" {
			fmt.Printf("%q: refused, %s\n", name, why)
			continue
		}
		fmt.Printf("%q -> %q\n", name, clean)
	}
	// Output:
	// "exercises/./sec63/out_shape.go" -> "exercises/sec63/out_shape.go"
	// "../../etc/passwd": refused, a name that leaves the archive's folder (..)
	// "/abs.go": refused, an absolute name
	// "dir\\x.go": refused, a name with a backslash or a control character
}
