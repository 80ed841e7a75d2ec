package tacc

import "testing"

// TestGeneratedTables: tables_gen.go (generated from the core's tables) agrees with the C
// header's constants and with the library it links.
func TestGeneratedTables(t *testing.T) {
	for _, p := range cStatuses {
		if p[0] != p[1] {
			t.Errorf("status %s: generated %d, C header %d", p[0].Name(), p[0], p[1])
		}
	}
	for _, p := range cMethods {
		if p[0] != p[1] {
			t.Errorf("method %s: generated %d, C header %d", p[0], p[0], p[1])
		}
	}
	for _, e := range sentinels {
		if e.Status.Name() == "" {
			t.Errorf("status %d: the library knows no such kind", e.Status)
		}
	}
	if len(methods) < len(cMethods) {
		t.Errorf("%d generated methods, %d in the C header", len(methods), len(cMethods))
	}
	for _, m := range methods {
		got, err := ParseMethod(m.String())
		if err != nil || got != m {
			t.Errorf("method %d (%s): ParseMethod gives %d, %v", m, m, got, err)
		}
	}
	if Auto.String() != "auto" {
		t.Errorf("Auto is %q", Auto)
	}
}
