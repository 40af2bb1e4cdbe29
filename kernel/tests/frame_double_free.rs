//! A frame freed twice would be handed out twice later and have two owners;
//! the allocator must stop the kernel at the second free.
#![no_std]
#![no_main]

kernel::must_panic!("frame_double_free::second_free_panics", "freed twice", {
    use kernel::memory;
    let frame = memory::with_frames(|frames| frames.allocate()).expect("a frame");
    memory::with_frames(|frames| {
        // SAFETY: not safe at all the second time, on purpose.
        unsafe {
            frames.deallocate(frame);
            frames.deallocate(frame);
        }
    });
});
