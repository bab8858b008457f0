//! The flow runner: runs a flow definition against services, producing a run record.
