package sec66

import "github.com/d2l-go/d2l-go/d2l"

// The attack of issue 20: rewrite the public test's table of variants
// (expected layers, parameter count, builder) from the student's package,
// so that the untouched stubs pass. The tests live in package sec66_test
// now: the table is not the student's to name.
func init() {
	variants["LeNetMaxPool"] = variant{"LeNetMaxPool", d2l.LeNet, nil, 61706, 0.9}
}
