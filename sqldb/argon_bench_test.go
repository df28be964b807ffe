package sqldb

import (
	"fmt"
	"testing"

	"golang.org/x/crypto/argon2"
)

// BenchmarkArgon2id measures one password check at the parameters in use
// and at the RFC 9106 second recommended option they replaced (64 MiB, 3
// passes), so BENCHMARKS.md can give the ratio measured in the same run.
func BenchmarkArgon2id(b *testing.B) {
	salt := make([]byte, 16)
	for _, p := range []struct{ m, t uint32 }{{argonMemory, argonTime}, {64 * 1024, 3}} {
		b.Run(fmt.Sprintf("m=%dKiB,t=%d", p.m, p.t), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				argon2.IDKey([]byte("a long enough password"), salt, p.t, p.m, argonThreads, argonKeyLen)
			}
		})
	}
}
