package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: every flag out of range, and flags that need others, are
// usage errors naming the flag; existing outputs are kept unless -force.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "model.rdn")
	if err := os.WriteFile(existing, []byte("not ours"), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "ours.rdn")
	if err := os.WriteFile(model, []byte("REDUNET\n..."), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "s.json")
	if err := os.WriteFile(summary, []byte(`{"spec": {}, "depths": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "feat")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string // "" for no error
	}{
		{nil, ""},
		{[]string{"-shards", "0"}, "-shards"},
		{[]string{"-shards", "100001"}, "-shards"},
		{[]string{"-bin-groups", "0"}, "-bin-groups"},
		{[]string{"-layers", "1001"}, "-layers"},
		{[]string{"-train-per-class", "-1"}, "-train-per-class"},
		{[]string{"-test-per-class", "-2"}, "-test-per-class"},
		{[]string{"-channels", "0"}, "-channels"},
		{[]string{"-kernel", "0"}, "-kernel"},
		{[]string{"-eps2", "0"}, "ε²"},
		{[]string{"-precision", "float16"}, "precision"},
		{[]string{"-arch", "mlp"}, "-arch"},
		{[]string{"-lift", "uniform"}, "-lift"},
		{[]string{"-evaluate"}, "-evaluate"},
		{[]string{"-evaluate", "-features", "f"}, "-evaluate"},
		{[]string{"-o", existing}, "-force"},
		{[]string{"-o", existing, "-force"}, ""},
		{[]string{"-o", model}, ""},
		{[]string{"-summary", summary}, ""},
		{[]string{"-summary", existing}, "-force"},
		{[]string{"-o", dir}, "not a file"},
		{[]string{"-features", full}, "-force"},
	} {
		fs := flag.NewFlagSet("train", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := registerFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		err := o.check()
		if err == nil {
			err = o.checkOutputs()
		}
		var ue usageError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.args, err)
		case c.want != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: error %v, want a usage error naming %s", c.args, err, c.want)
		}
	}
}

// TestRunUsage: a usage error exits with status 2 and says what is wrong,
// before any work; an unknown command prints the usage.
func TestRunUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"train", "-shards", "0"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-shards 0") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q", stdout.String())
	}
}
