//! The rubric as JSON (spec section 7.1), Markdown and CSV. (Placeholder.)
