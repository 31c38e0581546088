"""Back office for staff: notices, drafts, approvals."""
