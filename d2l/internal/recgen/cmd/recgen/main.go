// Command recgen writes d2l/recorder_gen.go (see package recgen). Run through go generate:
//
//	go generate ./d2l
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/d2l-go/d2l-go/d2l/internal/recgen"
)

func main() {
	out := flag.String("o", "recorder_gen.go", "output file")
	flag.Parse()
	src, err := recgen.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
