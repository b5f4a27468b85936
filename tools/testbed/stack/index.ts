// The test-bed stack runs the repository's real program: this project directory only swaps the stack file.
import parity from "../../../index";
export = parity;
