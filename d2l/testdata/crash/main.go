// Command crash fails in the ways TestNotebookCrashReport checks, as a notebook cell's program
// would (GoNB names the file main.go): os.Args[1] says how.
package main

import (
	"fmt"
	"os"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/d2l-go/d2l-go/d2l"
)

// conv is a function a notebook declares in a cell, calling d2l with a bad kernel.
func conv(X *tensors.Tensor) *tensors.Tensor {
	return d2l.Corr2D(X, d2l.Ones(3, 3, 3))
}

func main() {
	X := d2l.Ones(4, 4)
	switch os.Args[1] {
	case "cell":
		d2l.Print(d2l.Corr2D(X, d2l.Ones(3, 3, 3)))
	case "function":
		d2l.Print(conv(X))
	case "closure":
		func() { d2l.Print(conv(X)) }()
	case "try":
		err := d2l.Try(func() { conv(X) })
		fmt.Println("caught:", err)
	case "runtime":
		var s []int
		fmt.Println(s[len(os.Args)])
	}
}
