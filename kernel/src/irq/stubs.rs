//! One entry stub per device vector: the IDT cannot tell a handler its
//! vector, so each stub passes its GSI to `dispatch`.

use super::dispatch;
use crate::apic::DEVICE_VECTOR_BASE;
use x86_64::structures::idt::{InterruptDescriptorTable, InterruptStackFrame};

macro_rules! stubs {
    ($($gsi:literal => $name:ident),*) => {
        $(extern "x86-interrupt" fn $name(_frame: InterruptStackFrame) {
            dispatch($gsi);
        })*
        /// Points the device vectors of `idt` at their stubs.
        pub(crate) fn install(idt: &mut InterruptDescriptorTable) {
            $(idt[DEVICE_VECTOR_BASE + $gsi].set_handler_fn($name);)*
        }
    };
}

stubs!(
    0 => gsi_0, 1 => gsi_1, 2 => gsi_2, 3 => gsi_3, 4 => gsi_4, 5 => gsi_5,
    6 => gsi_6, 7 => gsi_7, 8 => gsi_8, 9 => gsi_9, 10 => gsi_10, 11 => gsi_11,
    12 => gsi_12, 13 => gsi_13, 14 => gsi_14, 15 => gsi_15, 16 => gsi_16, 17 => gsi_17,
    18 => gsi_18, 19 => gsi_19, 20 => gsi_20, 21 => gsi_21, 22 => gsi_22, 23 => gsi_23
);

const _: () = assert!(super::GSIS == 24, "one stub per served GSI");
