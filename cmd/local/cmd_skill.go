package main
func (c *command) runSkill(args []string) int { return 0 }
