/* SPDX-License-Identifier: Apache-2.0 */
/* For guest assembly that must emit one exact encoding: the file assembles
 * with `.option norvc` (plain mnemonics give 32-bit encodings only), and
 * C_FORM asks for a compressed instruction explicitly, written with its c.
 * mnemonic, so the assembler cannot pick another form. */
#ifndef HALYARD_GUEST_INSTRUCTION_FORMS_H
#define HALYARD_GUEST_INSTRUCTION_FORMS_H

.macro C_FORM insn:vararg
    .option push
    .option rvc
    \insn
    .option pop
.endm

#endif
