import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's memory, where the C library needs telling.
enum Memory {
    /// Gives memory freed since to the system. glibc keeps freed memory for the process (in the middle of its
    /// heap, where no later large allocation can reuse it): after a capture lets go of a session of tens of
    /// megabytes, rendering and checking its context would otherwise add their memory on top. Elsewhere, nothing.
    static func returnFreed() {
        #if canImport(Glibc)
        // malloc_trim is glibc's, declared in <malloc.h>, which Swift's Glibc module does not include.
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {  // RTLD_DEFAULT
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }
}
