package harness

import (
	"os"
	"strings"
	"testing"
)

// InCI reports whether the tests run in continuous integration ($CI set, and not "false"
// or "0"): there a missing tool is a failure, not a reason to skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// RequireTools returns the harness's tools for a test. When one is missing, the test is
// skipped with the command that installs them, or fails when InCI.
func RequireTools(t testing.TB) Tools {
	t.Helper()
	tools, err := FindTools()
	if err != nil {
		if InCI() {
			t.Fatalf("CI=%s: notebooks cannot be executed: %v", os.Getenv("CI"), err)
		}
		t.Skipf("skipping notebook execution: %v", err)
	}
	return tools
}
