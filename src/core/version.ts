// The tool's name and version, from package.json (the one place it is written), for receipts and --version.
import { version } from '../../package.json';

export const TOOL_VERSION: string = version;
/** How receipts name the tool that made them. */
export const TOOL = `fukiscope ${TOOL_VERSION}`;
